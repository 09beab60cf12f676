//! The API's JSON error shape, and a count in `/metrics`, for the requests hyper refuses before the
//! router sees them: a URL over hyper's own bound of 65,534 bytes (414), a request head over
//! `service.max_header_bytes` or `service.max_header_fields` (431), and a head hyper cannot parse
//! (400), among them a `Content-Length` that is not a length.
//!
//! hyper answers those itself with an empty body and closes the connection; it offers no hook to
//! shape the answer. This wrapper recognises that automatic answer as it is written (a 400, 414 or
//! 431 status line with `content-length: 0`, which no route of ours sends) and writes the JSON error
//! in its place, so every client sees `{"error": {"code", "message"}}` whatever refused it, and
//! counts it like every other response. A URL under hyper's bound but over `service.max_uri_bytes`
//! is refused by the server loop itself ([`super::server`]) with the same message.
//!
//! hyper's answer does not say why it refused: a `Content-Length` of 2^64 − 1 or 2^64 − 2 gets the
//! same 431 as a head too large, and one past 2^64 − 1 or not a number the same 400 as a malformed
//! header. So the wrapper also reads the `Content-Length` lines going in, keeping only whether the
//! latest one is a length hyper takes: when it is not, the refusal is a 400 that says so. (hyper
//! refuses the head with such a line and closes the connection, so the latest line is its line.)

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

/// What a client whose `Content-Length` is not a length hyper takes reads.
const LENGTH_INVALID: &str = "the Content-Length header is not a valid length: send the body's size in bytes as a decimal number";

/// The largest `Content-Length` hyper takes (it keeps the top two values for itself).
const HYPER_MAX_LENGTH: u64 = u64::MAX - 2;

/// The `Content-Length:` line start looked for in what the client sends, lowercase.
const LENGTH_LINE: &[u8] = b"\ncontent-length:";

/// The longest `Content-Length` value read; a longer one is not a length hyper takes.
const MAX_LENGTH_VALUE: usize = 64;

/// A connection whose automatic 400/414/431 answers are replaced by the API's JSON errors.
pub(crate) struct HeadErrors<T> {
    /// The connection itself.
    inner: T,
    /// The limits the messages name.
    limits: ConnectionLimits,
    /// Where the replaced answers are counted, as the router counts its own.
    metrics: Metrics,
    /// The JSON answer being written in place of hyper's, and how much of it is written.
    replacing: Option<(Vec<u8>, usize)>,
    /// The latest `Content-Length` line read: `Some(false)` when its value is not a length.
    length_valid: Option<bool>,
    /// The end of what was read last, where a `Content-Length` line may have started.
    carry: Vec<u8>,
}

impl<T> HeadErrors<T> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: T, limits: ConnectionLimits, metrics: Metrics) -> Self {
        HeadErrors {
            inner,
            limits,
            metrics,
            replacing: None,
            length_valid: None,
            carry: Vec::new(),
        }
    }

    /// Notes the `Content-Length` lines in `read`, the bytes just read.
    fn scan(&mut self, read: &[u8]) {
        let mut window = std::mem::take(&mut self.carry);
        window.extend_from_slice(read);
        let mut from = 0;
        while let Some(at) = find_line(&window[from..]) {
            let value_at = from + at + LENGTH_LINE.len();
            let value = &window[value_at..];
            match value.iter().position(|&b| b == b'\r' || b == b'\n') {
                Some(end) => self.length_valid = Some(is_length(&value[..end])),
                // The line goes on in the next read: it is looked at again then.
                None if value.len() <= MAX_LENGTH_VALUE => {}
                None => self.length_valid = Some(false),
            }
            from = value_at;
        }
        // Enough of the end to hold a line's start and its value.
        let keep = window.len().min(LENGTH_LINE.len() + MAX_LENGTH_VALUE);
        self.carry = window.split_off(window.len() - keep);
    }
}

/// Where the next `Content-Length` line starts in `bytes`, in any letter case.
fn find_line(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = bytes[from..].iter().position(|&b| b == b'\n') {
        let start = from + at;
        if bytes
            .get(start..start + LENGTH_LINE.len())
            .is_some_and(|line| line.eq_ignore_ascii_case(LENGTH_LINE))
        {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// Whether `value` is a `Content-Length` hyper takes: one decimal number (repeated in a list, as
/// some proxies send it) below its maximum.
fn is_length(value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    value.split(',').all(|item| {
        let item = item.trim_matches([' ', '\t']);
        !item.is_empty()
            && item.bytes().all(|b| b.is_ascii_digit())
            && item.parse::<u64>().is_ok_and(|n| n <= HYPER_MAX_LENGTH)
    })
}

/// The status and JSON answer for hyper's automatic answer `written`, when it is one;
/// `length_invalid` says the request's `Content-Length` is why it was refused.
fn replacement(
    written: &[u8],
    limits: &ConnectionLimits,
    length_invalid: bool,
) -> Option<(u16, Vec<u8>)> {
    let automatic_400 = written.starts_with(b"HTTP/1.1 400 ");
    let (status, line, code, message) =
        if length_invalid && (automatic_400 || written.starts_with(b"HTTP/1.1 431 ")) {
            (400, "400 Bad Request", "bad_request", LENGTH_INVALID.into())
        } else if automatic_400 {
            (
                400,
                "400 Bad Request",
                "bad_request",
                "the request line or a header is not valid HTTP/1.1".into(),
            )
        } else if written.starts_with(b"HTTP/1.1 414 ") {
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
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            this.scan(&buf.filled()[before..]);
        }
        polled
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
            && let Some((status, json)) =
                replacement(buf, &this.limits, this.length_valid == Some(false))
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
        let (status, json) = replacement(automatic, &limits, false).unwrap();
        assert_eq!(status, 431);
        let json = String::from_utf8(json).unwrap();
        assert!(json.contains("\"code\":\"headers_too_large\""), "{json}");
        assert!(json.contains("98304 bytes or 100 fields"), "{json}");
        let body = json.split("\r\n\r\n").nth(1).unwrap();
        assert!(json.contains(&format!("content-length: {}\r\n", body.len())));
        let ours = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 52\r\n\r\n{}";
        assert_eq!(replacement(ours, &limits, false), None);
        assert_eq!(
            replacement(
                b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
                &limits,
                true
            ),
            None
        );
    }

    #[test]
    fn the_latest_content_length_line_read_says_whether_it_is_a_length() {
        let limits = crate::service::ServiceConfig::default().connection_limits();
        let mut connection = HeadErrors::new((), limits, Metrics::default());
        connection.scan(b"POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n");
        assert_eq!(connection.length_valid, Some(true));
        // A line split over two reads, past 2^64 - 1.
        connection.scan(b"POST /v1/ask HTTP/1.1\r\ncOnTeNt-LeNgTh: 1844674407");
        assert_eq!(connection.length_valid, Some(true), "not complete yet");
        connection.scan(b"3709551616\r\n\r\n");
        assert_eq!(connection.length_valid, Some(false));
        for (value, valid) in [
            (&b"18446744073709551613"[..], true),
            (b"18446744073709551614", false),
            (b"12, 12", true),
            (b"-1", false),
            (b"0x10", false),
            (b"", false),
        ] {
            assert_eq!(
                is_length(value),
                valid,
                "{}",
                String::from_utf8_lossy(value)
            );
        }
        let automatic =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        let (status, json) = replacement(automatic, &limits, true).unwrap();
        assert_eq!(status, 400);
        assert!(
            String::from_utf8(json)
                .unwrap()
                .contains("not a valid length")
        );
    }
}
