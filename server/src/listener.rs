//! The listening socket, with the API's error shape on the few answers the
//! HTTP library writes by itself.
//!
//! A request whose address or headers are too long, or whose head does not
//! parse, never reaches the router: hyper answers 414, 431 or 400 with an
//! empty body and closes. [`Shield`] gives those answers the JSON error body
//! every other error has (`{"code", "detail"}`, `application/json`).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::http_error::ErrorBody;

/// The server's listener: TCP, each connection behind a [`Shield`].
pub struct Listener(pub TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Shield<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (Shield::new(io), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// The peer's address as the listener accepted it (what `ConnectInfo`
/// carries to the handlers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Listener>>
    for PeerAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, Listener>) -> Self {
        Self(*stream.remote_addr())
    }
}

/// A connection whose bodiless error answers from hyper get the JSON body.
pub struct Shield<Io> {
    io: Io,
    /// Bytes owed to the peer (a rewritten answer), and how many are sent.
    pending: Vec<u8>,
    sent: usize,
}

impl<Io> Shield<Io> {
    pub fn new(io: Io) -> Self {
        Self {
            io,
            pending: Vec::new(),
            sent: 0,
        }
    }
}

impl<Io: AsyncWrite + Unpin> Shield<Io> {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<Io: AsyncRead + Unpin> AsyncRead for Shield<Io> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for Shield<Io> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        if let Some(answer) = with_json_body(buf) {
            self.pending = answer;
            self.sent = 0;
            // Whatever is not written now is written before anything else.
            if let Poll::Ready(Err(err)) = self.drain(cx) {
                return Poll::Ready(Err(err));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// `bytes` with a JSON error body, when they are a whole bodiless error
/// answer of hyper's own (400, 414 or 431 with `content-length: 0` and no
/// content type; the router's errors always carry a body).
pub fn with_json_body(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.ends_with(b"\r\n\r\n") || bytes.len() > 1024 {
        return None;
    }
    let head = std::str::from_utf8(bytes).ok()?;
    if head[..head.len() - 4].contains("\r\n\r\n") {
        return None;
    }
    let status: u16 = head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    let (code, detail) = match status {
        400 => ("bad_request", "the request is malformed"),
        414 => (
            "uri_too_long",
            "the address is too long (at most 65,534 characters)",
        ),
        431 => ("headers_too_large", "the request's headers are too large"),
        _ => return None,
    };
    let lower = head.to_ascii_lowercase();
    let length = "\r\ncontent-length: 0\r\n";
    let at = lower.find(length)?;
    if lower.contains("\r\ncontent-type:") {
        return None;
    }
    let body = serde_json::to_string(&ErrorBody {
        code: code.into(),
        detail: detail.into(),
        field: None,
    })
    .ok()?;
    let mut answer = String::with_capacity(head.len() + body.len() + 48);
    answer.push_str(&head[..at]);
    answer.push_str("\r\ncontent-type: application/json");
    answer.push_str(&format!("\r\ncontent-length: {}\r\n", body.len()));
    answer.push_str(&head[at + length.len()..]);
    answer.push_str(&body);
    Some(answer.into_bytes())
}
