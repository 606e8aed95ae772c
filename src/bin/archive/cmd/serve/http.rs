//! HTTP/1.1 for GET and HEAD on a plain `TcpListener`: one thread per connection, bounded in
//! number, in time and in work, so a client that stalls holds only its own thread, and only
//! for a while. httparse reads request heads; the accept loop outlives running out of file
//! descriptors (or threads) by backing off, never by stopping.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::api::{self, Site, MAX_URL_BYTES};
use super::fields;
use super::reply::{printable, Reply};

/// Connections served at once, each by its own thread. More wait in a 503.
const MAX_CONNECTIONS: usize = 128;
/// Requests on one connection before it is closed (the client opens another).
const MAX_REQUESTS_PER_CONNECTION: usize = 100;
/// Longest request head: the longest target the API takes, plus a browser's headers.
const MAX_HEAD_BYTES: usize = MAX_URL_BYTES + 8192;
const MAX_HEADERS: usize = 64;
/// How long an open connection may wait for its next request.
const IDLE: Duration = Duration::from_secs(10);
/// How long a request head may take to arrive once it has begun.
const HEAD_TIME: Duration = Duration::from_secs(10);
/// How long a client may take to accept one answer: past it, it has stopped reading.
const SEND_TIME: Duration = Duration::from_secs(10);
/// The longest pause between tries when accepting fails (out of descriptors, memory, threads).
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// Accepts connections until the process is stopped.
pub fn serve(listener: &TcpListener, site: &Arc<Site>) -> ! {
    let open = Arc::new(AtomicUsize::new(0));
    let mut backoff = Duration::ZERO;
    loop {
        let failure = match listener.accept() {
            Ok((stream, peer)) => match start(stream, peer, site, &open) {
                Ok(()) => None,
                Err(e) => Some(format!("cannot take a connection: {e}")),
            },
            Err(e) => Some(format!("cannot accept a connection: {e}")),
        };
        match failure {
            None => backoff = Duration::ZERO,
            // Waiting gives the connections being served time to end and free what they hold.
            Some(why) => {
                backoff = (backoff * 2).clamp(Duration::from_millis(10), MAX_BACKOFF);
                eprintln!(
                    "archive: warning: {why}; trying again in {} ms",
                    backoff.as_millis()
                );
                std::thread::sleep(backoff);
            }
        }
    }
}

/// Serves one connection on a thread of its own, or answers 503 when there are too many.
fn start(
    stream: TcpStream,
    peer: SocketAddr,
    site: &Arc<Site>,
    open: &Arc<AtomicUsize>,
) -> io::Result<()> {
    if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
        open.fetch_sub(1, Ordering::SeqCst);
        let busy = Reply::text(503, "too many connections; try again");
        eprintln!("{peer} 503 too many connections");
        // A fresh socket's buffer takes this at once; the deadline only bounds a pathology.
        let _ = send(
            &stream,
            &busy.to_http(false, true),
            Duration::from_millis(100),
        );
        return Ok(());
    }
    let slot = Slot(open.clone());
    let spare = stream.try_clone()?;
    let shared = site.clone();
    let started = std::thread::Builder::new()
        .name("connection".into())
        .spawn(move || {
            let _slot = slot;
            Connection::new(stream, peer).serve(&shared);
        });
    // Without a thread to spare (a limit on processes), connections are served here, one at a
    // time, rather than not at all.
    if let Err(e) = started {
        eprintln!("archive: warning: cannot start a thread for a connection ({e}); serving it on the accepting thread");
        Connection::new(spare, peer).serve(site);
    }
    Ok(())
}

/// One counted connection; uncounted when its thread ends, however it ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why a request head could not be read.
enum Unread {
    /// The connection ended, or idled out, between requests: nothing to answer.
    Gone,
    /// Something to answer, and then close.
    Bad(u16, &'static str),
}

struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    /// Bytes read and not yet handled: the start of the next request (pipelining).
    pending: Vec<u8>,
}

impl Connection {
    fn new(stream: TcpStream, peer: SocketAddr) -> Connection {
        let _ = stream.set_nodelay(true);
        Connection {
            stream,
            peer,
            pending: Vec::new(),
        }
    }

    fn serve(mut self, site: &Site) {
        for served in 1..=MAX_REQUESTS_PER_CONNECTION {
            let end = match self.read_head() {
                Ok(end) => end,
                Err(Unread::Gone) => return,
                Err(Unread::Bad(status, why)) => {
                    eprintln!("\"{}\" {status} {why}", self.first_line());
                    self.send(&Reply::text(status, why).to_http(false, true));
                    return;
                }
            };
            let last = served == MAX_REQUESTS_PER_CONNECTION;
            let (bytes, close) = self.answer(site, end, last);
            if !self.send(&bytes) || close {
                return;
            }
            self.pending.drain(..end);
        }
    }

    /// Reads until `pending` holds a whole head; returns its length.
    fn read_head(&mut self) -> Result<usize, Unread> {
        let mut began = (!self.pending.is_empty()).then(Instant::now);
        let mut chunk = [0u8; 4096];
        loop {
            // Measured on the head itself: what a read brought past it may run over.
            if let Some(end) = head_end(&self.pending)? {
                if end > MAX_HEAD_BYTES {
                    return Err(Unread::Bad(431, "the request head is too long"));
                }
                return Ok(end);
            }
            if self.pending.len() > MAX_HEAD_BYTES {
                return Err(Unread::Bad(431, "the request head is too long"));
            }
            let left = match began {
                None => IDLE,
                Some(t) => HEAD_TIME.saturating_sub(t.elapsed()),
            };
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                return Err(Unread::Bad(408, "the request head took too long"));
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(Unread::Gone),
                Ok(n) => {
                    began.get_or_insert_with(Instant::now);
                    self.pending.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if timed_out(&e) && began.is_some() => {
                    return Err(Unread::Bad(408, "the request head took too long"))
                }
                Err(_) => return Err(Unread::Gone),
            }
        }
    }

    /// The response to the head in `pending[..end]`, logged, and whether the connection
    /// ends after it.
    fn answer(&self, site: &Site, end: usize, last: bool) -> (Vec<u8>, bool) {
        let started = Instant::now();
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        let parsed = request.parse(&self.pending[..end]);
        let (method, target, version) = match (parsed, request.method, request.path) {
            (Ok(httparse::Status::Complete(_)), Some(m), Some(t)) => {
                (m, t, request.version.unwrap_or(1))
            }
            (parsed, ..) => {
                let (status, why) = match parsed {
                    Err(httparse::Error::TooManyHeaders) => (431, "too many header fields"),
                    Err(httparse::Error::Version) => (400, "only HTTP/1.0 and HTTP/1.1 are spoken"),
                    _ => (400, "not an HTTP/1.1 request head"),
                };
                eprintln!("\"{}\" {status} {why}", self.first_line());
                return (Reply::text(status, why).to_http(false, true), true);
            }
        };
        let fields = match fields::read(request.headers, version) {
            Ok(fields) => fields,
            Err(why) => {
                eprintln!("\"{}\" 400 {why}", self.first_line());
                return (Reply::text(400, why).to_http(false, true), true);
            }
        };
        // A body is never read, so a request with one ends the connection: what follows it
        // could not be told apart from the next request.
        let close = last || fields.has_body || fields.wants_close || version == 0;
        let reply = api::answer(site, method, target, fields.host.as_deref());
        eprintln!(
            "{method} {} {} {:.1} ms",
            printable(target),
            reply.status,
            started.elapsed().as_secs_f64() * 1000.0
        );
        (reply.to_http(method == "HEAD", close), close)
    }

    /// Sends `bytes` within `SEND_TIME`; false if the connection is done for.
    fn send(&self, bytes: &[u8]) -> bool {
        match send(&self.stream, bytes, SEND_TIME) {
            Ok(()) => true,
            Err(e) => {
                if timed_out(&e) {
                    eprintln!(
                        "archive: {} stopped reading its answers; closed it after {} s",
                        self.peer,
                        SEND_TIME.as_secs()
                    );
                }
                false
            }
        }
    }

    /// The request line as far as it came, for the log.
    fn first_line(&self) -> String {
        let line = self.pending.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        printable(&String::from_utf8_lossy(line))
    }
}

/// Where the head in `bytes` ends, if it is all there. Lines must end in CRLF: a bare LF is
/// refused rather than guessed at, so this server and anything in front of it never disagree
/// about where a request ends.
fn head_end(bytes: &[u8]) -> Result<Option<usize>, Unread> {
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            if i == 0 || bytes[i - 1] != b'\r' {
                return Err(Unread::Bad(400, "lines must end in CRLF"));
            }
            if i >= 3 && &bytes[i - 3..=i] == b"\r\n\r\n" {
                return Ok(Some(i + 1));
            }
        }
    }
    Ok(None)
}

/// Writes all of `bytes` within `limit` in all, however slowly the peer reads.
fn send(mut stream: &TcpStream, mut bytes: &[u8], limit: Duration) -> io::Result<()> {
    let deadline = Instant::now() + limit;
    while !bytes.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A socket timeout: `WouldBlock` on Unix, `TimedOut` elsewhere.
fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_ends_at_the_first_empty_line_and_only_crlf_ends_a_line() {
        let end = |b: &[u8]| match head_end(b) {
            Ok(end) => Ok(end),
            Err(Unread::Bad(status, _)) => Err(status),
            Err(Unread::Gone) => Err(0),
        };
        assert_eq!(end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET"), Ok(Some(27)));
        assert_eq!(end(b"GET / HTTP/1.1\r\nHost: x\r\n"), Ok(None));
        assert_eq!(end(b"GET / HTTP/1.1\r"), Ok(None));
        assert_eq!(end(b"GET / HTTP/1.1\nHost: x\n\n"), Err(400));
        assert_eq!(end(b"\n"), Err(400));
        assert_eq!(end(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Ok(Some(18)));
    }

    #[test]
    fn sending_to_a_peer_that_never_reads_gives_up_at_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let _never_reads = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server_end, _) = listener.accept().unwrap();
        let started = Instant::now();
        let sent = send(
            &server_end,
            &vec![b'x'; 64 << 20],
            Duration::from_millis(300),
        );
        assert!(sent.is_err_and(|e| timed_out(&e)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
