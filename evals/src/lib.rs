//! Retrieval quality as numbers: gold questions, ranking metrics, escalation rates, and the report
//! `consulta eval` writes.
//!
//! ```
//! use consulta_evals::metrics::{ndcg_at, reciprocal_rank_at};
//!
//! // The relevant passage came second of ten.
//! let hits = [false, true, false, false, false, false, false, false, false, false];
//! assert_eq!(reciprocal_rank_at(&hits, 10), 0.5);
//! assert!((ndcg_at(&hits, 1, 10) - 1.0 / 3f64.log2()).abs() < 1e-12);
//! ```

pub mod gold;
pub mod load;
pub mod measure;
pub mod metrics;
pub mod report;
pub mod run;
pub mod served;
pub mod thresholds;
