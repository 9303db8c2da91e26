# Install layout and the Debian package. Included at the end of the root
# CMakeLists.txt (include(deploy/install.cmake)), after the phiguard target exists.
#
#   cmake --install build --prefix /usr          binary, policy, unit, man page...
#   cd build && cpack -G DEB                     phiguard_<version>_<arch>.deb
#
# Build packages with -DCMAKE_INSTALL_PREFIX=/usr: the configuration then lands
# in /etc (GNUInstallDirs' rule for that prefix), as Debian expects.
include(GNUInstallDirs)

install(TARGETS phiguard RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Where the configuration and the unit's paths go is decided at install time,
# so `cmake --install build --prefix DIR` never writes outside DIR: a /usr
# prefix puts the configuration in /etc (Debian's rule, as GNUInstallDirs'),
# any other prefix in PREFIX/etc. file(INSTALL) honours DESTDIR (and CPack).
set(phiguard_deploy "${PROJECT_SOURCE_DIR}/deploy")
set(phiguard_gen "${PROJECT_BINARY_DIR}/deploy")
set(phiguard_bindir "${CMAKE_INSTALL_BINDIR}")
string(CONFIGURE [[
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(phiguard_etc "/etc")
else()
    set(phiguard_etc "${CMAKE_INSTALL_PREFIX}/etc")
endif()
file(INSTALL DESTINATION "${phiguard_etc}/phiguard" TYPE FILE RENAME policy.yaml
     FILES "@phiguard_deploy@/default-policy.yaml")
file(INSTALL DESTINATION "${phiguard_etc}/logrotate.d" TYPE FILE
     FILES "@phiguard_deploy@/logrotate/phiguard")
# The unit names the binary and the policy by absolute path.
file(READ "@phiguard_deploy@/systemd/phiguard.service" unit)
string(REPLACE "/usr/bin/phiguard" "${CMAKE_INSTALL_PREFIX}/@phiguard_bindir@/phiguard" unit
       "${unit}")
string(REPLACE "/etc/phiguard/" "${phiguard_etc}/phiguard/" unit "${unit}")
file(WRITE "@phiguard_gen@/phiguard.service" "${unit}")
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
     FILES "@phiguard_gen@/phiguard.service")
# dpkg's conffiles must name where this install put them (CPack reads it after).
file(WRITE "@phiguard_gen@/conffiles"
     "${phiguard_etc}/phiguard/policy.yaml\n${phiguard_etc}/logrotate.d/phiguard\n")
]] phiguard_install_config @ONLY)
install(CODE "${phiguard_install_config}")

install(FILES "${phiguard_deploy}/man/phiguard.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES "${PROJECT_SOURCE_DIR}/docs/deploy.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(DIRECTORY "${phiguard_deploy}/haproxy" "${phiguard_deploy}/pac" "${phiguard_deploy}/k8s"
                  "${phiguard_deploy}/container"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")

# --- CPack: one .deb -------------------------------------------------------
set(CPACK_PACKAGE_NAME phiguard)
set(CPACK_PACKAGE_VENDOR "phiguard")
set(CPACK_PACKAGE_CONTACT "phiguard maintainers <phiguard@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "An inline egress-filtering HTTP forward proxy that keeps protected health information\n\
from leaking to trackers and other third parties without a Business Associate Agreement.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/phiguard/phiguard")
# Shared libraries (OpenSSL, yaml-cpp, Hyperscan, spdlog, fmt, libpsl, zlib,
# brotli) come from dpkg-shlibdeps; the rest are data and tools it cannot see.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, publicsuffix, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "haproxy, logrotate")
# Local edits to these survive upgrades (dpkg asks before replacing them).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${phiguard_deploy}/debian/postinst;${phiguard_deploy}/debian/prerm;${phiguard_deploy}/debian/postrm;${phiguard_gen}/conffiles")
# The release binary carries debug info (RelWithDebInfo): ~180 MB unstripped.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
