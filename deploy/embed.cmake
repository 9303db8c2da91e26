# Invoked by phiguard_embed(): writes OUTPUT, a C++ file defining
# std::string_view phiguard::embedded::SYMBOL() over the bytes of INPUT.
# Hex bytes rather than a raw string literal: any content is safe.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR size "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUTPUT}"
"// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
"namespace phiguard::embedded {\nnamespace {\nconstexpr char data[] = {${bytes} '\\0'};\n}\n"
"std::string_view ${SYMBOL}() { return {data, ${size}}; }\n}\n")
