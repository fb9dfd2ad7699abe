"""Polite, bounded HTTP: address checks, robots.txt, size and time limits, charsets."""
import codecs
import http.client
import ipaddress
import re
import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from charset_normalizer import from_bytes
from protego import Protego
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar

HTML_TYPES = ("text/html", "application/xhtml+xml")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
# Networks the crawler never enters unless private hosts are allowed.
BLOCKED_NETWORKS = [ipaddress.ip_network(n) for n in (
    "100.64.0.0/10",   # carrier-grade NAT
    "192.0.0.0/24", "198.18.0.0/15", "64:ff9b::/96", "64:ff9b:1::/48",
    "::/96",           # IPv4-compatible (deprecated): ::127.0.0.1 reaches 127.0.0.1 on some stacks
    "::ffff:0:0:0/96", # IPv4-translated (SIIT)
    "2001::/32",       # Teredo: tunnels to whatever IPv4 address it hides
)]
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
CONTROL = re.compile("[\x00-\x1f\x7f]")


class FetchError(Exception):
    """A fetch failed for a reason worth telling the curator."""


class FetchTimeout(FetchError):
    """The host did not answer in time (worth a retry)."""


class BadURL(FetchError):
    """A URL that cannot be fetched as written: malformed, not http(s), or without a host."""


class BlockedAddress(FetchError):
    """The host resolves to an address the crawler must not contact."""


class RobotsUnavailable(FetchError):
    """robots.txt answered with a server error: the host is off-limits this run."""


def worth_retrying(status):
    return status in (408, 429) or 500 <= status <= 599


def split_url(url):
    """``url`` split into its parts; :class:`BadURL` when it is malformed or not http(s) with a host."""
    shown = url[:200] if isinstance(url, str) else repr(url)
    try:
        parts = urlsplit(url)
        parts.port  # raises on a port that is not a number in range
    except (ValueError, TypeError, AttributeError) as error:
        raise BadURL(f"malformed URL {shown!r}: {error}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadURL(f"not an http(s) URL: {shown!r}")
    if CONTROL.search(url):
        raise BadURL(f"control characters in URL {shown!r}")
    return parts


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
    """The IPv4 address an IPv6 address hands traffic to (IPv4-mapped, NAT64, 6to4), if any."""
    if address.version == 6:
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.ip_address(int(address) & 0xFFFFFFFF)
        if address in SIX_TO_FOUR:
            return address.sixtofour
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
    except UnicodeError:
        raise BadURL(f"{host[:200]!r} is not a valid host name") from None
    except (socket.gaierror, ValueError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else str(error)
        raise FetchError(f"DNS failure: host {host[:200]!r} was not found ({reason}); check the URL") from None
    # Resolver order, IPv4 first: the address connected to is the first one checked here.
    addresses = sorted(dict.fromkeys(info[4][0] for info in infos), key=lambda a: ":" in a)
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise BlockedAddress(
                    f"blocked: {host} resolves to {address}, a private or non-public address; "
                    "run with --allow-private-hosts only for local test and demo sites"
                )
    return addresses


def decode_html(body, header_charset=None):
    """Decode page bytes: HTTP header, then BOM, then <meta charset>, then detection."""
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, encoding in boms:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    candidates = [header_charset]
    match = META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        encoding = _known_encoding(name)
        if encoding:
            try:
                return body.decode(encoding, errors="replace")
            except (UnicodeError, LookupError, TypeError):  # a codec that refuses even with "replace"
                continue
    best = from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", errors="replace")


def _known_encoding(name):
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    if not getattr(codec, "_is_text_encoding", True):  # rot13, base64 and the like transform, not decode
        return None
    encoding = codec.name
    # Pages labelled with these legacy names use the wider superset in practice (WHATWG).
    return {"gb2312": "gb18030", "gbk": "gb18030", "latin-1": "cp1252", "iso8859-1": "cp1252",
            "ascii": "cp1252", "shift_jis": "cp932", "euc_kr": "cp949"}.get(encoding, encoding)


class Deadline:
    """Cuts a fetch off at a wall-clock moment by shutting its connections down: a server that sends a
    byte now and then never trips a read timeout, so a timer has to end the wait on the socket itself.
    While it is current (``with``), the sockets this thread opens or reuses are handed to it."""

    current = threading.local()

    def __init__(self, seconds):
        self.seconds, self.expired, self.sockets = seconds, False, []
        self.lock = threading.Lock()
        self.timer = threading.Timer(max(0.0, seconds), self._expire)
        self.timer.daemon = True

    def __enter__(self):
        Deadline.current.value = self
        self.timer.start()
        return self

    def __exit__(self, *_exc):
        self.timer.cancel()
        Deadline.current.value = None
        with self.lock:
            self.sockets.clear()

    @classmethod
    def watch(cls, sock):
        deadline = getattr(cls.current, "value", None)
        if deadline is not None:
            with deadline.lock:
                deadline.sockets.append(sock)
                if deadline.expired:
                    _shut(sock)

    def _expire(self):
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)  # a blocked recv() returns at once
    except OSError:
        pass  # closed already


class _Watched:
    """A urllib3 connection whose sockets the current :class:`Deadline` can cut."""

    def _new_conn(self):
        sock = super()._new_conn()
        Deadline.watch(sock)
        return sock

    def request(self, *args, **kwargs):
        if self.sock is not None:  # a kept-alive connection, opened under an earlier deadline
            Deadline.watch(self.sock)
        return super().request(*args, **kwargs)


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = type("WatchedHTTPConnection", (_Watched, urllib3.connection.HTTPConnection), {})


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = type("WatchedHTTPSConnection", (_Watched, urllib3.connection.HTTPSConnection), {})


class PinnedAdapter(HTTPAdapter):
    """Connects to the address that was checked, not to whatever DNS answers next
    (no DNS rebinding), while keeping the Host header and TLS name of the URL; its
    connections can be cut by a :class:`Deadline`."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

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


def _network_error(url, error, settings):
    """A :class:`FetchError` saying in a curator's words why a request failed."""
    where = urlsplit(url).netloc
    causes = []
    while error is not None and len(causes) < 10:
        causes.append(error)
        inner = getattr(error, "reason", None) or (error.args[0] if error.args else None)
        error = error.__cause__ or error.__context__ or (inner if isinstance(inner, BaseException) else None)
    kinds = tuple(type(c) for c in causes)
    if any(issubclass(k, ConnectionRefusedError) for k in kinds):
        return FetchError(f"connection refused by {where}: nothing answers on that port (site down or wrong port?)")
    if any(issubclass(k, requests.ConnectTimeout) for k in kinds):
        return FetchTimeout(f"timed out connecting to {where} ({settings.connect_timeout:g} s)")
    if any(issubclass(k, (requests.Timeout, socket.timeout)) for k in kinds):
        return FetchTimeout(f"timed out: {where} sent nothing for {settings.read_timeout:g} s")
    if any(issubclass(k, requests.exceptions.SSLError) for k in kinds):
        return FetchError(f"TLS failed with {where}: {causes[-1]}")
    return FetchError(f"cannot fetch {url[:200]}: {type(causes[-1]).__name__} ({str(causes[-1])[:200]})")


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

    def get(self, url, headers=None, in_scope=None, robots=None, any_type=False, time_limit=None):
        """GET ``url`` following redirects by hand, checking every hop (against ``in_scope`` and the
        ``robots`` rules, when given), all within the fetch deadline (or ``time_limit`` seconds, when shorter).

        Returns a :class:`Page`; non-HTML bodies are not downloaded unless ``any_type``.
        Raises :class:`FetchError` on network failure, timeouts, malformed URLs and blocked hops.
        """
        seconds = self.settings.fetch_deadline if time_limit is None else min(time_limit, self.settings.fetch_deadline)
        with Deadline(seconds) as deadline:
            try:
                page = self._follow(url, headers, in_scope, robots, any_type)
            except Exception:
                if not deadline.expired:
                    raise
                page = None
            if deadline.expired:  # whatever was read when the connection was cut is not the page
                self.session.close()  # drop the cut connections
                raise FetchTimeout(f"{url[:200]} took longer than {seconds:g} s (the fetch deadline)") from None
        return page

    def _follow(self, url, headers, in_scope, robots, any_type):
        for _hop in range(self.settings.max_redirects + 1):
            parts = split_url(url)
            addresses = check_host(parts.hostname, self.settings.allow_private_hosts)
            try:
                request = self.session.prepare_request(requests.Request("GET", url, headers=headers))
                request.pinned_address = addresses[0]
                # The adapter, not the session: the session reads a redirect's Location before we can check it.
                response = self.session.get_adapter(url).send(
                    request, stream=True, timeout=(self.settings.connect_timeout, self.settings.read_timeout))
                extract_cookies_to_jar(self.session.cookies, request, response.raw)
            except (requests.RequestException, http.client.HTTPException, ValueError, OSError) as error:
                raise _network_error(url, error, self.settings) from None
            with response:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    try:
                        target = urljoin(url, location)
                    except ValueError:
                        raise BadURL(f"{url[:200]} redirects to a malformed address {location[:200]!r}") from None
                    if in_scope is not None and not in_scope(target):
                        raise FetchError(f"{url[:200]} redirects out of scope to {target[:200]}")
                    if robots is not None and not allowed(robots, target, self.settings.agent):
                        raise FetchError(f"{url[:200]} redirects to {target[:200]}, which robots.txt disallows")
                    url = target
                    continue
                return self._read(url, response, any_type)
        raise FetchError(f"more than {self.settings.max_redirects} redirects from {url[:200]}")

    def _read(self, url, response, any_type=False):
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
        except (requests.RequestException, http.client.HTTPException, OSError) as error:
            raise FetchError(f"connection broke while reading {url[:200]}: {type(error).__name__}") from None
        declared = response.encoding if "charset" in response.headers.get("content-type", "").lower() else None
        page.text = decode_html(bytes(body), declared)
        return page

    def robots(self, root, time_limit=None):
        """Fetch ``root``/robots.txt and return a Protego parser. Raises :class:`FetchError` (the
        reason) when the host is off-limits for this run: a server error or a network failure is
        never taken to allow everything."""
        page = self.get(urljoin(root, "/robots.txt"), any_type=True, time_limit=time_limit)
        if 400 <= page.status < 500:
            return Protego.parse("")
        if page.status != 200:
            raise RobotsUnavailable(f"robots.txt answered HTTP {page.status}, so this host may not be crawled now")
        try:
            return Protego.parse(page.text.lstrip("\ufeff"))
        except Exception as error:  # noqa: BLE001 - a parser bug must not make a hostile file allow all
            raise RobotsUnavailable(f"robots.txt could not be parsed ({type(error).__name__})") from None


def allowed(rules, url, agent):
    """Whether the robots.txt ``rules`` let ``agent`` fetch ``url``; a parser that fails says no."""
    try:
        return rules.can_fetch(url, agent)
    except Exception:  # noqa: BLE001 - a hostile robots.txt must not open the host
        return False
