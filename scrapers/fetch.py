"""Polite, bounded HTTP: address checks, robots.txt, size and time limits, charsets."""
import codecs
import ipaddress
import re
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from charset_normalizer import from_bytes
from protego import Protego

HTML_TYPES = ("text/html", "application/xhtml+xml")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
# Networks the crawler never enters unless private hosts are allowed.
BLOCKED_NETWORKS = [ipaddress.ip_network(n) for n in (
    "100.64.0.0/10",   # carrier-grade NAT
    "192.0.0.0/24", "198.18.0.0/15", "64:ff9b::/96", "64:ff9b:1::/48",
)]


class FetchError(Exception):
    """A fetch failed for a reason worth telling the curator."""


class FetchTimeout(FetchError):
    """The host did not answer in time (worth a retry)."""


def worth_retrying(status):
    return status in (408, 429) or 500 <= status <= 599


class BlockedAddress(FetchError):
    """The host resolves to an address the crawler must not contact."""


@dataclass
class Page:
    url: str
    status: int
    headers: dict = field(default_factory=dict)
    text: str = ""
    content_type: str = ""
    truncated: bool = False

    @property
    def is_html(self):
        return self.content_type in HTML_TYPES

    @property
    def robots_directives(self):
        return {d.strip().lower() for d in self.headers.get("x-robots-tag", "").split(",")}


def _embedded_ipv4(address):
    """The IPv4 address hidden in an IPv4-mapped or NAT64 IPv6 address, if any."""
    if address.version == 6:
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.ip_address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(text):
    """True when an IP address is a global unicast address the crawler may contact."""
    address = ipaddress.ip_address(text)
    inner = _embedded_ipv4(address)
    if inner is not None:
        return is_public_address(str(inner))
    if any(address in net for net in BLOCKED_NETWORKS if net.version == address.version):
        return False
    return address.is_global and not address.is_multicast


def check_host(host, allow_private=False):
    """Resolve ``host`` and refuse it if any address is not public (SSRF guard)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve host {host!r}: {error}") from None
    # Resolver order, IPv4 first: the address connected to is the first one checked here.
    addresses = sorted(dict.fromkeys(info[4][0] for info in infos), key=lambda a: ":" in a)
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise BlockedAddress(
                    f"{host} resolves to {address}, a non-public address; "
                    "use --allow-private-hosts only for local test and demo sites"
                )
    return addresses


def decode_html(body, header_charset=None):
    """Decode page bytes: HTTP header, then BOM, then <meta charset>, then detection."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    candidates = [header_charset]
    match = META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        encoding = _known_encoding(name)
        if encoding:
            return body.decode(encoding, errors="replace")
    best = from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", errors="replace")


def _known_encoding(name):
    if not name:
        return None
    try:
        encoding = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # Pages labelled with these legacy names use the wider superset in practice (WHATWG).
    return {"gb2312": "gb18030", "gbk": "gb18030", "latin-1": "cp1252", "iso8859-1": "cp1252",
            "ascii": "cp1252", "shift_jis": "cp932", "euc_kr": "cp949"}.get(encoding, encoding)


class PinnedAdapter(HTTPAdapter):
    """Connects to the address that was checked, not to whatever DNS answers next
    (no DNS rebinding), while keeping the Host header and TLS name of the URL."""

    def send(self, request, **kwargs):
        pinned = getattr(request, "pinned_address", None)
        if pinned:
            parts = urlsplit(request.url)
            request.headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
            address = f"[{pinned}]" if ":" in pinned else pinned
            port = f":{parts.port}" if parts.port else ""
            request.url = urlunsplit(parts._replace(netloc=address + port))
            request.tls_name = parts.hostname
        return super().send(request, **kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        name = getattr(request, "tls_name", None)
        if name and host_params.get("scheme") == "https":
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs


class Fetcher:
    """Fetches pages for one host at a time; thread-safe only per instance."""

    def __init__(self, settings):
        self.settings = settings
        self.session = requests.Session()
        self.session.mount("http://", PinnedAdapter())
        self.session.mount("https://", PinnedAdapter())
        self.session.headers["User-Agent"] = settings.agent
        self.session.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
        self.session.max_redirects = settings.max_redirects

    def close(self):
        self.session.close()

    def get(self, url, headers=None, in_scope=None, any_type=False):
        """GET ``url`` following redirects by hand, checking every hop.

        Returns a :class:`Page`; non-HTML bodies are not downloaded unless ``any_type``.
        Raises :class:`FetchError` on network failure, timeouts and blocked hops.
        """
        deadline = time.monotonic() + self.settings.fetch_deadline
        for _hop in range(self.settings.max_redirects + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(f"not an http(s) URL: {url}")
            addresses = check_host(parts.hostname, self.settings.allow_private_hosts)
            request = self.session.prepare_request(requests.Request("GET", url, headers=headers))
            request.pinned_address = addresses[0]
            try:
                response = self.session.send(
                    request, stream=True, allow_redirects=False,
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                )
            except requests.Timeout:
                raise FetchTimeout(f"timed out fetching {url}") from None
            except requests.RequestException as error:
                raise FetchError(f"cannot fetch {url}: {type(error).__name__}") from None
            with response:
                if response.is_redirect:
                    target = urljoin(url, response.headers.get("location", ""))
                    if in_scope is not None and not in_scope(target):
                        raise FetchError(f"{url} redirects out of scope to {target}")
                    url = target
                    continue
                return self._read(url, response, deadline, any_type)
        raise FetchError(f"more than {self.settings.max_redirects} redirects from {url}")

    def _read(self, url, response, deadline, any_type=False):
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        page = Page(url=url, status=response.status_code, headers={k.lower(): v for k, v in response.headers.items()},
                    content_type=content_type)
        if response.status_code != 200 or not (any_type or content_type in HTML_TYPES):
            return page
        body, limit = bytearray(), self.settings.max_body_bytes
        try:
            # iter_content decodes gzip/deflate, so the cap applies to the decoded size.
            for chunk in response.iter_content(chunk_size=16384):
                body.extend(chunk)
                if len(body) > limit:
                    del body[limit:]
                    page.truncated = True
                    break
                if time.monotonic() > deadline:
                    raise FetchTimeout(f"{url} took longer than {self.settings.fetch_deadline:g} s")
        except requests.RequestException as error:
            raise FetchError(f"connection broke while reading {url}: {type(error).__name__}") from None
        declared = response.encoding if "charset" in response.headers.get("content-type", "").lower() else None
        page.text = decode_html(bytes(body), declared)
        return page

    def robots(self, root):
        """Fetch ``root``/robots.txt. Returns a Protego parser, or None when the host
        is off-limits for this run (a 5xx or a network failure: never allow-all)."""
        try:
            page = self.get(urljoin(root, "/robots.txt"), any_type=True)
        except FetchError:
            return None
        if 400 <= page.status < 500:
            return Protego.parse("")
        if page.status != 200:
            return None
        return Protego.parse(page.text.lstrip("\ufeff"))
