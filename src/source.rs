//! The services that send HTTP requests to a Lambda function.

use std::fmt;

/// The service that sent a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// API Gateway REST API, or an HTTP API with payload format 1.0.
    RestApi,
    /// API Gateway HTTP API, payload format 2.0.
    HttpApi,
    /// A Lambda Function URL.
    FunctionUrl,
    /// An Application Load Balancer target group.
    Alb,
    /// VPC Lattice, payload version 1.
    LatticeV1,
    /// VPC Lattice, payload version 2.
    LatticeV2,
}

impl Source {
    /// A short name: `rest`, `http`, `url`, `alb`, `lattice-v1`, `lattice-v2`.
    pub fn name(self) -> &'static str {
        match self {
            Source::RestApi => "rest",
            Source::HttpApi => "http",
            Source::FunctionUrl => "url",
            Source::Alb => "alb",
            Source::LatticeV1 => "lattice-v1",
            Source::LatticeV2 => "lattice-v2",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::RestApi => "API Gateway REST API",
            Source::HttpApi => "API Gateway HTTP API",
            Source::FunctionUrl => "Lambda Function URL",
            Source::Alb => "Application Load Balancer",
            Source::LatticeV1 => "VPC Lattice (v1)",
            Source::LatticeV2 => "VPC Lattice (v2)",
        })
    }
}
