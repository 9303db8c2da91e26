# Fails when a folder includes what DESIGN.md says it must not.
#   policy/ : no proxy/, certs/, boost/asio, boost/beast, openssl/, spdlog/
#   certs/  : no proxy/, policy/, boost/beast
set(rules
    "policy|#include[ \t]*[<\"](proxy/|certs/|boost/asio|boost/beast|openssl/|spdlog/)"
    "certs|#include[ \t]*[<\"](proxy/|policy/|boost/beast)")
set(failed 0)
foreach(rule ${rules})
    string(REPLACE "|#" ";#" parts "${rule}")
    list(GET parts 0 dir)
    list(GET parts 1 pattern)
    file(GLOB_RECURSE files ${ROOT}/${dir}/*.hpp ${ROOT}/${dir}/*.cpp)
    foreach(f ${files})
        file(STRINGS ${f} hits REGEX "${pattern}")
        if(hits)
            message(SEND_ERROR "${f}: forbidden include for ${dir}/: ${hits}")
            set(failed 1)
        endif()
    endforeach()
endforeach()
if(failed)
    message(FATAL_ERROR "layering check failed")
endif()
message(STATUS "layering: policy/ and certs/ are clean")
