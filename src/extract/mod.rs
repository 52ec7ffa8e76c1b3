//! Extractors: the typed arguments a handler can take instead of the whole [`Request`].
//!
//! A handler's arguments are extractors; all but the last borrow the request
//! ([`FromRequestParts`]), the last may consume it ([`FromRequest`], such as [`Json`] or
//! `Request` itself). [`Path<T>`] also *describes* the parameters it expects, which is how
//! [`AppBuilder::build`](crate::AppBuilder::build) checks a handler against the routes file
//! before any request is served.

mod params;
mod query;
mod schema;

use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::HttpError;
use crate::request::Request;
use crate::response::{IntoResponse, Json, Response};
use crate::spec::BodyKind;

pub(crate) use self::schema::{FieldShape, Kind, Schema};

/// The body an extractor reads, for the build's check against the route's `body`.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct BodyExtractor {
    pub(crate) name: &'static str,
    pub(crate) kind: BodyKind,
    /// The fields of its `T`, when the probe can describe them.
    pub(crate) fields: Option<Vec<FieldShape>>,
}

/// The answer an extractor gives instead of a value: a 400 for a malformed body, a 404 for a
/// parameter outside the handler's type, or any response.
#[derive(Debug)]
pub struct Rejection(Box<Response>);

impl Rejection {
    /// The response that will be sent.
    pub fn response(&self) -> &Response {
        &self.0
    }
}

impl From<Response> for Rejection {
    fn from(response: Response) -> Self {
        Rejection(Box::new(response))
    }
}

impl From<HttpError> for Rejection {
    fn from(error: HttpError) -> Self {
        Rejection(Box::new(error.into_response()))
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// An extractor that reads the request without consuming it.
pub trait FromRequestParts: Sized {
    /// Extracts the value, or the response to send instead (a 400 or 404).
    ///
    /// # Errors
    ///
    /// The response to answer with when the request does not fit.
    fn from_request_parts(request: &Request) -> Result<Self, Rejection>;

    /// The path parameters this extractor expects, when it knows them (see [`Path`]).
    #[doc(hidden)]
    fn path_schema() -> Option<Schema> {
        None
    }

    /// The shared state this extractor reads, if any (see [`State`]).
    #[doc(hidden)]
    fn state_need() -> Option<StateNeed> {
        None
    }

    /// The query parameters this extractor reads, if any (see [`Query`]).
    #[doc(hidden)]
    fn query_fields() -> Option<Vec<FieldShape>> {
        None
    }
}

/// An extractor that may consume the request; only the last argument of a handler.
///
/// `M` only tells apart the blanket implementation for every [`FromRequestParts`].
pub trait FromRequest<M = private::ViaRequest>: Sized {
    /// Extracts the value, or returns the response to send instead.
    ///
    /// # Errors
    ///
    /// The response to answer with when the request does not fit.
    fn from_request(request: Request) -> Result<Self, Rejection>;

    /// As [`FromRequestParts::path_schema`].
    #[doc(hidden)]
    fn path_schema() -> Option<Schema> {
        None
    }

    /// As [`FromRequestParts::state_need`].
    #[doc(hidden)]
    fn state_need() -> Option<StateNeed> {
        None
    }

    /// As [`FromRequestParts::query_fields`].
    #[doc(hidden)]
    fn query_fields() -> Option<Vec<FieldShape>> {
        None
    }

    /// The body this extractor reads, if it reads one of a declared kind ([`Json`], [`Form`]).
    #[doc(hidden)]
    fn body_extractor() -> Option<BodyExtractor> {
        None
    }
}

mod private {
    /// Marker for extractors implementing [`FromRequest`](super::FromRequest) directly.
    #[derive(Debug)]
    pub enum ViaRequest {}
    /// Marker for the blanket implementation over [`FromRequestParts`](super::FromRequestParts).
    #[derive(Debug)]
    pub enum ViaParts {}
}

impl<T: FromRequestParts> FromRequest<private::ViaParts> for T {
    fn from_request(request: Request) -> Result<Self, Rejection> {
        T::from_request_parts(&request)
    }

    fn path_schema() -> Option<Schema> {
        <T as FromRequestParts>::path_schema()
    }

    fn state_need() -> Option<StateNeed> {
        <T as FromRequestParts>::state_need()
    }

    fn query_fields() -> Option<Vec<FieldShape>> {
        <T as FromRequestParts>::query_fields()
    }
}

impl FromRequest for Request {
    fn from_request(request: Request) -> Result<Self, Rejection> {
        Ok(request)
    }
}

/// The typed path parameters of the route, deserialized into `T`.
///
/// `T` is a struct whose fields are named like the parameters, a tuple of the parameters in
/// template order, or a single value for a route with one parameter. Field types map to the
/// routes file's types: `String` to `str`, `path` and regexes; integers to `int`; `f32`/`f64` to
/// `float`; `bool` to `bool`; `uuid::Uuid` to `uuid`. Because of that mapping,
/// [`AppBuilder::build`](crate::AppBuilder::build) reports a handler whose `Path<T>` disagrees
/// with any route that names it.
///
/// # Examples
///
/// ```
/// use minik::{App, Json, Path};
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Article {
///     author: String,
///     year: i64,
/// }
///
/// async fn get_articles(Path(article): Path<Article>) -> Json<serde_json::Value> {
///     Json(serde_json::json!({ "author_name": article.author, "year": article.year }))
/// }
///
/// let app = App::from_toml("routes.toml", r#"
///     [[route]]
///     path = "/articles/{author}/{year}"
///     handler = "get_articles"
///     params = { year = "int" }
/// "#)
/// .handler("get_articles", get_articles)
/// .build()?;
/// # Ok::<(), minik::Diagnostics>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts for Path<T> {
    fn from_request_parts(request: &Request) -> Result<Self, Rejection> {
        // The router has parsed every value as its declared type, so a failure here is a value
        // outside a narrower Rust type (300 for a `u8`): minik's rule makes that a 404.
        params::from_params(&request.params)
            .map(Path)
            .map_err(|error| {
                HttpError::not_found(format!("invalid path parameter: {error}")).into()
            })
    }

    fn path_schema() -> Option<Schema> {
        schema::probe::<T>()
    }
}

impl<T: DeserializeOwned> FromRequest for Json<T> {
    fn body_extractor() -> Option<BodyExtractor> {
        Some(BodyExtractor {
            name: "Json",
            kind: BodyKind::Json,
            fields: schema::probe_fields::<T>(),
        })
    }

    fn from_request(request: Request) -> Result<Self, Rejection> {
        let content_type = request.header("content-type");
        if let Some(content_type) = content_type.filter(|t| !crate::spec::is_json(t)) {
            let message = format!(
                "expected a JSON body (Content-Type: application/json), not `{content_type}`"
            );
            return Err(HttpError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message).into());
        }
        serde_json::from_slice(request.body())
            .map(Json)
            .map_err(|error| HttpError::bad_request(format!("invalid JSON body: {error}")).into())
    }
}

/// The query parameters the route declares (`query` in the routes file), parsed as their types,
/// deserialized into `T`.
///
/// `T` is a struct whose fields are named like the parameters: `Option<_>` for an optional one
/// without a default, `Vec<_>` for a `repeated` one, and the type of the declaration (`i64` for
/// `int`, `bool`, `f64`, `uuid::Uuid`, `String` for `str`, regexes and registered types).
/// [`AppBuilder::build`](crate::AppBuilder::build) checks `T` against every route that names
/// the handler. A request whose declared parameters do not parse is answered 400 before the
/// handler runs, naming each parameter; parameters the route does not declare are left to
/// [`Request::query`].
///
/// # Examples
///
/// ```
/// use minik::{App, Json, Query};
/// use serde::Deserialize;
/// use serde_json::{Value, json};
///
/// #[derive(Deserialize)]
/// struct Search {
///     q: String,           // required = true
///     limit: i64,          // default = 10
///     done: Option<bool>,  // optional
///     tag: Vec<String>,    // repeated = true
/// }
///
/// fn search(Query(search): Query<Search>) -> Json<Value> {
///     Json(json!({ "q": search.q, "limit": search.limit, "done": search.done, "tags": search.tag }))
/// }
///
/// let app = App::from_toml("routes.toml", r#"
///     [[route]]
///     path = "/todos"
///     handler = "search"
///     query = { q = { type = "str", required = true }, limit = { type = "int", default = 10 }, done = "bool", tag = { type = "str", repeated = true } }
/// "#)
/// .handler("search", search)
/// .build()?;
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let found = app.test().get("/todos?q=milk&tag=a&tag=b").send().await?;
/// assert_eq!(found.json::<Value>()?, json!({ "q": "milk", "limit": 10, "done": null, "tags": ["a", "b"] }));
/// let refused = app.test().get("/todos?q=milk&limit=ten").send().await?;
/// assert_eq!(refused.status(), 400);
/// assert_eq!(refused.json::<Value>()?["errors"][0]["name"], "limit");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts for Query<T> {
    fn from_request_parts(request: &Request) -> Result<Self, Rejection> {
        query::from_values(&request.query_values)
            .map(Query)
            .map_err(|error| HttpError::bad_request(format!("invalid query: {error}")).into())
    }

    fn query_fields() -> Option<Vec<FieldShape>> {
        // A `T` the probe cannot describe is checked as having no field at all.
        Some(schema::probe_fields::<T>().unwrap_or_default())
    }
}

/// A form body (`application/x-www-form-urlencoded`, as HTML forms send), deserialized into `T`.
///
/// A body that is not such a form of `T`'s shape is a 400; a `Content-Type` that says it is
/// something else a 415 (a request without one is read as a form). On a route that declares
/// `body = "json"`, [`AppBuilder::build`](crate::AppBuilder::build) reports a handler taking
/// `Form<T>`, and the reverse for [`Json<T>`].
///
/// # Examples
///
/// ```
/// use minik::{App, Form};
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Signup {
///     email: String,
///     newsletter: Option<String>,
/// }
///
/// fn signup(Form(signup): Form<Signup>) -> String {
///     format!("{} {}", signup.email, signup.newsletter.is_some())
/// }
///
/// let app = App::from_toml("routes.toml", "[[route]]\npath = \"/signup\"\nhandler = \"signup\"\nbody = \"form\"")
///     .handler("signup", signup)
///     .build()?;
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let form = app.test().post("/signup").header("content-type", "application/x-www-form-urlencoded");
/// let reply = form.body("email=ada%40example.com&newsletter=on").send().await?;
/// assert_eq!(reply.text(), "ada@example.com true");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Form<T> {
    fn body_extractor() -> Option<BodyExtractor> {
        Some(BodyExtractor {
            name: "Form",
            kind: BodyKind::Form,
            fields: schema::probe_fields::<T>(),
        })
    }

    fn from_request(request: Request) -> Result<Self, Rejection> {
        let form = "application/x-www-form-urlencoded";
        if let Some(content_type) = request.header("content-type") {
            let essence = content_type.split(';').next().unwrap_or_default().trim();
            if !essence.eq_ignore_ascii_case(form) {
                let message =
                    format!("expected a form body (Content-Type: {form}), not `{content_type}`");
                return Err(HttpError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message).into());
            }
        }
        serde_urlencoded::from_bytes(request.body())
            .map(Form)
            .map_err(|error| HttpError::bad_request(format!("invalid form body: {error}")).into())
    }
}

/// A value a middleware hook attached to the request with
/// [`Request::extensions_mut`], cloned out for the handler.
///
/// A handler that takes `Extension<T>` on a route whose middleware did not attach a `T`
/// answers 500: that is a mistake in the app, not in the request.
///
/// # Examples
///
/// ```
/// use minik::{Extension, HttpError, Request};
///
/// #[derive(Clone)]
/// struct User(String);
///
/// fn authenticate(mut request: Request) -> Result<Request, HttpError> {
///     let token = request.header("authorization").unwrap_or_default();
///     let name = token.strip_prefix("Bearer ").ok_or(HttpError::unauthorized("No token."))?;
///     let user = User(name.to_owned());
///     request.extensions_mut().insert(user);
///     Ok(request)
/// }
///
/// fn whoami(Extension(User(name)): Extension<User>) -> String {
///     name
/// }
///
/// let app = minik::App::from_toml("routes.toml", r#"
///     [[route]]
///     path = "/whoami"
///     handler = "whoami"
///     middleware = ["authenticate"]
/// "#)
/// .handler("whoami", whoami)
/// .before("authenticate", authenticate)
/// .build()?;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let response = app.test().get("/whoami").header("authorization", "Bearer ada").send().await?;
/// assert_eq!(response.text(), "ada");
/// # Ok::<(), minik::EventError>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extension<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromRequestParts for Extension<T> {
    fn from_request_parts(request: &Request) -> Result<Self, Rejection> {
        match request.extensions().get::<T>() {
            Some(value) => Ok(Extension(value.clone())),
            None => Err(app_mistake(format!(
                "no `{}` in the request's extensions: is the middleware that adds it listed for this route?",
                std::any::type_name::<T>()
            ))),
        }
    }
}

/// A type of shared state an extractor reads, so that [`AppBuilder::build`] can check that
/// the app provides it.
///
/// [`AppBuilder::build`]: crate::AppBuilder::build
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct StateNeed {
    pub(crate) id: std::any::TypeId,
    pub(crate) name: &'static str,
}

impl StateNeed {
    pub(crate) fn of<T: 'static>() -> Self {
        StateNeed {
            id: std::any::TypeId::of::<T>(),
            name: std::any::type_name::<T>(),
        }
    }
}

/// A value shared by every request, given once with
/// [`AppBuilder::state`](crate::AppBuilder::state) when the app is built: an SDK client, a
/// connection pool, configuration read at cold start. Handlers get a clone, so wrap what is
/// costly to clone in an `Arc` (AWS SDK clients are cheap to clone already).
///
/// [`AppBuilder::build`](crate::AppBuilder::build) reports a handler that takes a `State<T>`
/// the app does not provide, located at the handler's registration.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use minik::{App, HttpError, Path, State};
///
/// struct Catalog {
///     titles: Vec<&'static str>,
/// }
///
/// fn book(State(catalog): State<Arc<Catalog>>, Path(index): Path<usize>) -> Result<String, HttpError> {
///     let title = catalog.titles.get(index).ok_or(HttpError::not_found("No such book."))?;
///     Ok(title.to_string())
/// }
///
/// let catalog = Arc::new(Catalog { titles: vec!["Emma", "Persuasion"] });
/// let app = App::from_toml("routes.toml", r#"
///     [[route]]
///     path = "/books/{index}"
///     handler = "book"
///     params = { index = "int" }
/// "#)
/// .state(catalog)
/// .handler("book", book)
/// .build()?;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert_eq!(app.test().get("/books/1").send().await?.text(), "Persuasion");
/// # Ok::<(), minik::EventError>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State<T>(pub T);

impl<T: Clone + Send + Sync + 'static> FromRequestParts for State<T> {
    fn from_request_parts(request: &Request) -> Result<Self, Rejection> {
        match request.state::<T>() {
            Some(value) => Ok(State(value.clone())),
            // `build()` makes this unreachable for an app's handlers; a handler called some
            // other way (`Handler::call` in a test) can still get here.
            None => Err(app_mistake(format!(
                "no `{}` was given with `.state(..)`",
                std::any::type_name::<T>()
            ))),
        }
    }

    fn state_need() -> Option<StateNeed> {
        Some(StateNeed::of::<T>())
    }
}

/// A 500 for a mistake in the app rather than the request, explained in debug mode only.
fn app_mistake(explanation: String) -> Rejection {
    crate::response::internal_error(serde_json::json!({ "error": explanation })).into()
}
