//! Request metrics in the Prometheus text format, gathered by a middleware.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

/// Counters of the HTTP requests served by this node.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Latency>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        *self.requests.lock().expect("metrics lock").entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        let mut latency = self.latency.lock().expect("metrics lock");
        let entry = latency.entry(route.to_string()).or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// Writes the HTTP metrics in the Prometheus text exposition format.
    pub fn render(&self, out: &mut String) {
        out.push_str("# HELP communs_http_requests_total HTTP requests served, by method, route and status.\n");
        out.push_str("# TYPE communs_http_requests_total counter\n");
        for ((method, route, status), count) in self.requests.lock().expect("metrics lock").iter() {
            let _ =
                writeln!(out, "communs_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}", escape(route));
        }
        out.push_str("# HELP communs_http_request_duration_seconds Time to answer HTTP requests, by route.\n");
        out.push_str("# TYPE communs_http_request_duration_seconds histogram\n");
        for (route, latency) in self.latency.lock().expect("metrics lock").iter() {
            let route = escape(route);
            for (count, bound) in latency.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(out, "communs_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "communs_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}", latency.count);
            let _ = writeln!(out, "communs_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", latency.sum_seconds);
            let _ = writeln!(out, "communs_http_request_duration_seconds_count{{route=\"{route}\"}} {}", latency.count);
        }
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Middleware: times each request and counts it under its route template (never the raw path, so
/// that slugs and identifiers do not multiply the series).
pub async fn track(State(metrics): State<std::sync::Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    metrics.observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/healthz", 200, 0.002);
        metrics.observe("GET", "/healthz", 200, 0.2);
        metrics.observe("GET", "/{slug}/", 404, 0.01);
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(out.contains("communs_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"));
        assert!(out.contains("communs_http_requests_total{method=\"GET\",route=\"/{slug}/\",status=\"404\"} 1"));
        assert!(out.contains("communs_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 1"));
        assert!(out.contains("communs_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.25\"} 2"));
        assert!(out.contains("communs_http_request_duration_seconds_count{route=\"/healthz\"} 2"));
    }
}
