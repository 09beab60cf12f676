//! The API's JSON error shape, and a count in `/metrics`, for the requests hyper refuses before the
//! router sees them: a URL over hyper's own bound of 65,534 bytes (414) and a request head over
//! `service.max_header_bytes` or `service.max_header_fields` (431).
//!
//! hyper answers those itself with an empty body and closes the connection; it offers no hook to
//! shape the answer. This wrapper recognises that automatic answer as it is written (a 414 or 431
//! status line with `content-length: 0`, which no route of ours sends) and writes the JSON error in
//! its place, so every client sees `{"error": {"code", "message"}}` whatever refused it, and counts
//! it like every other response. A URL under hyper's bound but over `service.max_uri_bytes` is
//! refused by the server loop itself ([`super::server`]) with the same message.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::metrics::Metrics;
use super::server::ConnectionLimits;

/// The longest URL hyper parses, whatever `service.max_uri_bytes` says.
pub(crate) const HYPER_MAX_URI_BYTES: usize = 65_534;

/// What a client whose URL is over the limit reads.
pub(crate) fn uri_too_long(limits: &ConnectionLimits) -> String {
    format!(
        "the URL is longer than {} bytes (service.max_uri_bytes): send long input in a JSON body",
        limits.max_uri_bytes.min(HYPER_MAX_URI_BYTES)
    )
}

/// What a client whose request head is over the limits reads.
fn headers_too_large(limits: &ConnectionLimits) -> String {
    format!(
        "the request's headers are over {} bytes or {} fields (service.max_header_bytes, \
         service.max_header_fields): send fewer or shorter headers",
        limits.max_header_bytes, limits.max_header_fields
    )
}

/// A connection whose automatic 414/431 answers are replaced by the API's JSON errors.
pub(crate) struct HeadErrors<T> {
    /// The connection itself.
    inner: T,
    /// The limits the messages name.
    limits: ConnectionLimits,
    /// Where the replaced answers are counted, as the router counts its own.
    metrics: Metrics,
    /// The JSON answer being written in place of hyper's, and how much of it is written.
    replacing: Option<(Vec<u8>, usize)>,
}

impl<T> HeadErrors<T> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: T, limits: ConnectionLimits, metrics: Metrics) -> Self {
        HeadErrors {
            inner,
            limits,
            metrics,
            replacing: None,
        }
    }
}

/// The status and JSON answer for hyper's automatic answer `written`, when it is one.
fn replacement(written: &[u8], limits: &ConnectionLimits) -> Option<(u16, Vec<u8>)> {
    let (status, line, code, message) = if written.starts_with(b"HTTP/1.1 414 ") {
        (
            414,
            "414 URI Too Long",
            "uri_too_long",
            uri_too_long(limits),
        )
    } else if written.starts_with(b"HTTP/1.1 431 ") {
        (
            431,
            "431 Request Header Fields Too Large",
            "headers_too_large",
            headers_too_large(limits),
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
    Some((
        status,
        format!(
            "HTTP/1.1 {line}\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    ))
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
            && let Some((status, json)) = replacement(buf, &this.limits)
        {
            this.metrics.response(status);
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
        let limits = crate::service::ServiceConfig::default().connection_limits();
        let automatic =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let (status, json) = replacement(automatic, &limits).unwrap();
        assert_eq!(status, 431);
        let json = String::from_utf8(json).unwrap();
        assert!(json.contains("\"code\":\"headers_too_large\""), "{json}");
        assert!(json.contains("98304 bytes or 100 fields"), "{json}");
        let body = json.split("\r\n\r\n").nth(1).unwrap();
        assert!(json.contains(&format!("content-length: {}\r\n", body.len())));
        let ours = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 52\r\n\r\n{}";
        assert_eq!(replacement(ours, &limits), None);
        assert_eq!(
            replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", &limits),
            None
        );
    }
}
