//! The API's JSON error shape for the requests hyper refuses before the router sees them: a URL over
//! hyper's 64 KiB limit (414) and a request head over [`MAX_HEAD_BYTES`] or [`MAX_HEADERS`] fields
//! (431).
//!
//! hyper answers those itself with an empty body and closes the connection; it offers no hook to
//! shape the answer. This wrapper recognises that automatic answer as it is written (a 414 or 431
//! status line with `content-length: 0`, which no route of ours sends) and writes the JSON error in
//! its place, so every client sees `{"error": {"code", "message"}}` whatever refused it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The largest request head (request line and headers) hyper buffers; more: 431.
pub(crate) const MAX_HEAD_BYTES: usize = 96 * 1024;
/// The most header fields a request may have; more: 431.
pub(crate) const MAX_HEADERS: usize = 100;

/// A connection whose automatic 414/431 answers are replaced by the API's JSON errors.
pub(crate) struct HeadErrors<T> {
    /// The connection itself.
    inner: T,
    /// The JSON answer being written in place of hyper's, and how much of it is written.
    replacing: Option<(Vec<u8>, usize)>,
}

impl<T> HeadErrors<T> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: T) -> Self {
        HeadErrors {
            inner,
            replacing: None,
        }
    }
}

/// The JSON answer for hyper's automatic answer `written`, when it is one.
fn replacement(written: &[u8]) -> Option<Vec<u8>> {
    let (status, code, message) = if written.starts_with(b"HTTP/1.1 414 ") {
        (
            "414 URI Too Long",
            "uri_too_long",
            "the URL is longer than 64 KiB: send long input in a JSON body",
        )
    } else if written.starts_with(b"HTTP/1.1 431 ") {
        (
            "431 Request Header Fields Too Large",
            "headers_too_large",
            "the request's headers are over 96 KiB or 100 fields: send fewer or shorter headers",
        )
    } else {
        return None;
    };
    let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&written[..head_end]).to_ascii_lowercase();
    if !head.contains("\r\ncontent-length: 0") {
        return None;
    }
    let body = format!(r#"{{"error":{{"code":"{code}","message":"{message}"}}}}"#);
    Some(
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: AsyncRead + Unpin> AsyncRead for HeadErrors<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for HeadErrors<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none()
            && let Some(json) = replacement(buf)
        {
            this.replacing = Some((json, 0));
        }
        let Some((json, sent)) = &mut this.replacing else {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        };
        while *sent < json.len() {
            match Pin::new(&mut this.inner).poll_write(cx, &json[*sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *sent += n,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            }
        }
        // hyper's answer counts as written; whatever it writes after it is dropped (it closes the
        // connection after an automatic answer).
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_automatic_answers_are_replaced() {
        let automatic =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let json = String::from_utf8(replacement(automatic).unwrap()).unwrap();
        assert!(json.contains("\"code\":\"headers_too_large\""), "{json}");
        let body = json.split("\r\n\r\n").nth(1).unwrap();
        assert!(json.contains(&format!("content-length: {}\r\n", body.len())));
        let ours = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 52\r\n\r\n{}";
        assert_eq!(replacement(ours), None);
        assert_eq!(
            replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            None
        );
    }
}
