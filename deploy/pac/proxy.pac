// Proxy auto-config for browsers on patient-portal workstations. Serve it as
// application/x-ns-proxy-autoconfig and point browsers (or the WPAD policy) at it.
// Everything leaves through phiguard (HAProxy in front of the instances); only
// plain local names and private networks go direct. If the proxies are down the
// browser fails closed ("PROXY" without "DIRECT" fallback), which keeps PHI from
// leaking while phiguard is unavailable; add "; DIRECT" to fail open instead.
function FindProxyForURL(url, host) {
    if (isPlainHostName(host) ||
        dnsDomainIs(host, ".hospital.internal") ||
        isInNet(host, "10.0.0.0", "255.0.0.0") ||
        isInNet(host, "172.16.0.0", "255.240.0.0") ||
        isInNet(host, "192.168.0.0", "255.255.0.0") ||
        isInNet(host, "127.0.0.0", "255.0.0.0")) {
        return "DIRECT";
    }
    return "PROXY phiguard.hospital.internal:3128";
}
