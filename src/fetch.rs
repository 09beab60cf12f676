//! Downloading documents a manifest lists by URL.

use std::time::Duration;

use consulta_retrieval::Fetcher;

/// How long one download may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Fetches over HTTP(S) with a timeout and a size cap, on a small runtime of its own (ingest is
/// synchronous).
pub struct HttpFetcher {
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl HttpFetcher {
    pub fn new() -> anyhow::Result<HttpFetcher> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("consulta/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(HttpFetcher { client, runtime })
    }
}

impl Fetcher for HttpFetcher {
    fn fetch(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
        self.runtime.block_on(async {
            let mut response = self
                .client
                .get(url)
                .send()
                .await
                .map_err(|e| format!("{e} (no network, or the site is down?)"))?;
            if !response.status().is_success() {
                return Err(format!("the server answered {}", response.status()));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
                body.extend_from_slice(&chunk);
                if body.len() as u64 > max_bytes {
                    return Err(format!(
                        "the document is larger than the limit of {max_bytes} bytes (`ingest.max_file_bytes`)"
                    ));
                }
            }
            Ok(body)
        })
    }
}
