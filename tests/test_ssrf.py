"""The SSRF guard: hostile URLs and hosts are refused before any connection is made.

Proof of "no connection": a listening server on the loopback address counts accepted
connections, and a Python audit hook records every ``socket.connect`` made by the test's
thread. A positive control shows both detectors do see a connection when one is allowed.
DNS is the network edge here: names other than the local ones come from a fake resolver.
"""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from pytest_httpserver import HTTPServer

from service.config import Settings
from service.upstream import Upstream, UpstreamError
from service.upstream.ssrf import (
    PinnedAdapter,
    check_host,
    is_public_address,
    validate_instance_host,
    vet_url,
)
from tests.connections import Listener, connects_since
from tests.connections import mark as record_mark


@pytest.fixture(scope="module")
def listeners():
    v4 = Listener(socket.AF_INET, "127.0.0.1")
    v6 = Listener(socket.AF_INET6, "::1")
    yield v4, v6
    v4.sock.close()
    v6.sock.close()


# -- fake DNS (the network edge) ------------------------------------------------------------
FAKE_DNS = {
    "evil.example.com": ["10.1.2.3"],
    "mixed.example.com": ["93.184.216.34", "127.0.0.1"],
    "rebind6.example.com": ["::1"],
    "metadata.example.com": ["169.254.169.254"],
    "mapped.example.com": ["::ffff:10.0.0.1"],
    "cgnat.example.com": ["100.64.1.1"],
    "good.example.com": ["93.184.216.34"],
    "good6.example.com": ["2606:4700:4700::1111"],
}
resolved: list[str] = []


def fake_dns(host: str, port: int, *args, **kwargs) -> list[tuple]:
    resolved.append(host)
    if host not in FAKE_DNS:
        raise socket.gaierror(socket.EAI_NONAME, "unknown in the fake resolver")
    return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
             (ip, port)) for ip in FAKE_DNS[host]]


HOSTILE_URLS = [
    # loopback in every spelling
    "https://127.0.0.1/", "https://127.0.0.1:{port}/", "http://127.0.0.1:{port}/",
    "https://127.1/", "https://127.000.000.001/", "https://2130706433/", "https://0x7f.1/",
    "https://0x7f000001/", "https://017700000001/", "https://0177.0.0.1/",
    "https://localhost/", "https://localhost:{port}/", "https://localhost./", "https://LOCALHOST/",
    "https://vm/",  # single-label (this machine's /etc/hosts maps it to 127.0.0.1)
    "https://[::1]/", "https://[::1]:{port6}/", "https://[0:0:0:0:0:0:0:1]/",
    # IPv6 forms that reach IPv4 or internal space
    "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[64:ff9b::7f00:1]/",
    "https://[2002:7f00:1::]/", "https://[fd00:ec2::254]/", "https://[fe80::1]/",
    "https://[fc00::1]/", "https://[::]/", "https://[ff02::1]/",
    # private, metadata, CGNAT, multicast, reserved, unspecified
    "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/", "https://172.16.5.4/",
    "https://192.168.1.1/", "https://100.64.0.1/", "https://224.0.0.1/", "https://240.0.0.1/",
    "https://255.255.255.255/", "https://0.0.0.0/", "https://0/",
    # userinfo, ports, schemes
    "https://user:pass@good.example.com/", "https://good.example.com@127.0.0.1/",
    "https://good.example.com\\@127.0.0.1/", "https://good.example.com:8443/",
    "http://good.example.com/", "ftp://good.example.com/", "file:///etc/passwd",
    "gopher://127.0.0.1:{port}/", "https://good.example.com:99999/",
    "https://good.example.com\t@127.0.0.1/", " https://127.0.0.1/",
    # reserved names
    "https://metadata.google.internal/", "https://printer.local/",
    "https://1.0.0.127.in-addr.arpa/", "https://api.localhost/",
    # names whose DNS answers are not public
    "https://evil.example.com/", "https://mixed.example.com/", "https://rebind6.example.com/",
    "https://metadata.example.com/", "https://mapped.example.com/", "https://cgnat.example.com/",
]


@pytest.fixture
def guarded(listeners) -> Upstream:
    """Allow-list off for the listeners (another port is allowed, to show it is per port)."""
    other = f"127.0.0.1:{listeners[0].port + 1 if listeners[0].port < 65535 else 1}"
    settings = Settings(allow_hosts=frozenset({other}))
    return Upstream(settings, resolver=fake_dns, connect_timeout=0.5, read_timeout=0.5)


def test_corpus_is_large_enough():
    assert len(HOSTILE_URLS) >= 30


@pytest.mark.parametrize("template", HOSTILE_URLS)
def test_hostile_url_is_refused_without_connecting(template, listeners, guarded):
    v4, v6 = listeners
    url = template.format(port=v4.port, port6=v6.port)
    before, mark = (v4.accepted, v6.accepted), record_mark()
    with pytest.raises(UpstreamError) as info:
        guarded.get(url, network="mastodon", user_host=True)
    assert info.value.kind == "refused", str(info.value)
    assert str(info.value)  # a clear message
    assert connects_since(mark, this_thread=True) == []
    assert (v4.accepted, v6.accepted) == before


def test_positive_control_detectors_see_an_allowed_connection(listeners):
    v4, _ = listeners
    up = Upstream(Settings(allow_hosts=frozenset({f"127.0.0.1:{v4.port}"})),
                  connect_timeout=0.5, read_timeout=0.5, retries=0)
    before, mark = v4.accepted, record_mark()
    with pytest.raises(UpstreamError) as info:  # the listener hangs up without answering
        up.get(f"http://127.0.0.1:{v4.port}/", network="mastodon", user_host=True)
    assert info.value.kind == "upstream_error"
    assert ("127.0.0.1", v4.port) in connects_since(mark, this_thread=True)
    assert v4.accepted > before


@pytest.fixture
def allowed_server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def upstream_for(server: HTTPServer) -> Upstream:
    settings = Settings(allow_hosts=frozenset({f"127.0.0.1:{server.port}"}))
    return Upstream(settings, resolver=fake_dns, connect_timeout=0.5, read_timeout=0.5)


@pytest.mark.parametrize("location", [
    "http://127.0.0.1:{port}/", "https://169.254.169.254/latest/meta-data/",
    "https://evil.example.com/", "https://[::1]:{port6}/", "ftp://good.example.com/x",
])
def test_redirect_hop_is_re_checked(location, listeners, allowed_server):
    v4, v6 = listeners
    allowed_server.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": location.format(port=v4.port, port6=v6.port)})
    before, mark = (v4.accepted, v6.accepted), record_mark()
    with pytest.raises(UpstreamError) as info:
        upstream_for(allowed_server).get(allowed_server.url_for("/start"), network="mastodon",
                                         user_host=True)
    assert info.value.kind == "refused"
    assert (v4.accepted, v6.accepted) == before
    hops = connects_since(mark, this_thread=True)
    assert {addr[1] for addr in hops} == {allowed_server.port}  # only the 1st hop


def test_redirects_within_allowed_host_are_followed_up_to_three(allowed_server):
    for i in range(4):
        allowed_server.expect_request(f"/r{i}").respond_with_data(
            "", status=301, headers={"Location": f"/r{i + 1}"})
    allowed_server.expect_request("/r4").respond_with_json({"ok": 1})
    up = upstream_for(allowed_server)
    resp = up.get(allowed_server.url_for("/r1"), network="mastodon", user_host=True)
    assert resp.json() == {"ok": 1}  # r1 -> r2 -> r3 -> r4: three hops
    with pytest.raises(UpstreamError) as info:  # r0 needs four
        up.get(allowed_server.url_for("/r0"), network="mastodon", user_host=True)
    assert info.value.kind == "refused" and "redirects" in str(info.value)


def test_vet_url_resolves_once_and_pins_the_address():
    resolved.clear()
    target = vet_url("https://Good.Example.com/api/v1/x?y=1", Settings(), resolve=fake_dns)
    assert resolved == ["good.example.com"]
    assert target.connect_url == "https://93.184.216.34/api/v1/x?y=1"
    assert (target.host_header, target.address) == ("good.example.com", "93.184.216.34")
    six = vet_url("https://good6.example.com/", Settings(), resolve=fake_dns)
    assert six.connect_url == "https://[2606:4700:4700::1111]/"


def test_allow_listed_host_skips_the_address_check_but_not_userinfo():
    settings = Settings(allow_hosts=frozenset({"127.0.0.1:8123"}))
    target = vet_url("http://127.0.0.1:8123/x", settings, resolve=fake_dns)
    assert (target.connect_url, target.host_header) == ("http://127.0.0.1:8123/x", None)
    for url in ("http://u@127.0.0.1:8123/", "http://127.0.0.1:8124/", "http://127.0.0.1/"):
        with pytest.raises(UpstreamError):
            vet_url(url, settings, resolve=fake_dns)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "224.0.0.251", "240.0.0.1", "255.255.255.255", "0.0.0.0", "192.0.2.1",
    "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "::ffff:8.8.8.8",
    "64:ff9b::808:808", "2002:808:808::1", "2001:db8::1", "ff02::1", "not-an-ip",
])
def test_non_public_addresses(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert is_public_address(address)


@pytest.mark.parametrize("host", [
    "127.0.0.1", "[::1]", "::1", "2130706433", "0x7f.1", "017700000001", "127.1", "10.0.0.1",
    "localhost", "localhost.", "mastodon", "printer.local", "db.internal", "x.localhost",
    "1.0.0.127.in-addr.arpa", "example.com:443", "user@example.com", "example.com/path",
    "exa mple.com", "-bad.example.com", "", "a" * 64 + ".com", "example.123",
])
def test_check_host_rejects_without_io(host):
    resolved.clear()
    with pytest.raises(UpstreamError) as info:
        check_host(host, Settings())
    assert info.value.kind == "refused"
    assert resolved == []


def test_validate_instance_host_normalizes_and_honours_allow_list():
    assert validate_instance_host("Mastodon.Social") == "mastodon.social"
    assert validate_instance_host("fosstodon.org.") == "fosstodon.org"
    assert validate_instance_host("bücher.example") == "xn--bcher-kva.example"
    settings = Settings(allow_hosts=frozenset({"127.0.0.1:8123"}))
    assert validate_instance_host("127.0.0.1:8123", settings) == "127.0.0.1:8123"
    with pytest.raises(UpstreamError):
        validate_instance_host("127.0.0.1:8124", settings)


# -- pinning over real TLS: connect to the IP, verify the certificate for the name ----------
def _tls_files(tmp_path, name: str) -> tuple[str, str, str]:
    crypto = pytest.importorskip("cryptography")  # noqa: F841 - only to skip without it
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def cert(subject, key, issuer, issuer_key, ca: bool, san: str | None):
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                   .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca = cert("Candor test CA", ca_key, "Candor test CA", ca_key, True, None)
    leaf = cert(name, leaf_key, "Candor test CA", ca_key, False, name)
    pem = serialization.Encoding.PEM
    paths = [tmp_path / "ca.pem", tmp_path / "leaf.pem", tmp_path / "leaf.key"]
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(leaf.public_bytes(pem))
    paths[2].write_bytes(leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    return tuple(str(p) for p in paths)  # type: ignore[return-value]


def test_pinned_adapter_connects_to_ip_with_sni_and_cert_check_for_the_name(tmp_path):
    name = "pinned.candor.example"
    ca_file, cert_file, key_file = _tls_files(tmp_path, name)
    seen: dict[str, list] = {"sni": [], "host": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen["host"].append(self.headers.get("Host"))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda sock, server_name, ctx: seen["sni"].append(server_name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        session = requests.Session()
        session.trust_env = False
        session.mount("https://", PinnedAdapter())
        url = f"https://127.0.0.1:{server.server_address[1]}/"
        resp = session.get(url, headers={"Host": name}, verify=ca_file, timeout=5)
        assert resp.text == "ok"
        assert seen["sni"] == [name] and seen["host"] == [name]
        # Same IP, another name: the certificate does not match, so the request fails.
        with pytest.raises(requests.exceptions.SSLError):
            session.get(url, headers={"Host": "other.candor.example"}, verify=ca_file, timeout=5)
    finally:
        server.shutdown()
