//! A small orders API, tested in `tests.rs` with minik's test client.

use minik::cookie::{Cookie, SameSite};
use minik::http::{StatusCode, header};
use minik::{App, AppBuilder, Body, HttpError, IntoResponse, Json, Path, Query, Request, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The orders there are, by id.
const ORDERS: [(u32, &str, u32); 2] = [(1, "tea", 2), (2, "coffee", 1)];

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Order {
    pub(crate) id: u32,
    pub(crate) item: String,
    pub(crate) quantity: u32,
}

/// `GET /orders/{id}`: the order, or the handler's own 404 for an id that parses but is not
/// there.
pub(crate) fn get_order(Path(id): Path<u32>) -> Result<Json<Order>, HttpError> {
    let (id, item, quantity) = ORDERS
        .into_iter()
        .find(|(order, _, _)| *order == id)
        .ok_or_else(|| HttpError::not_found(format!("No order {id}.")))?;
    Ok(Json(Order {
        id,
        item: item.to_owned(),
        quantity,
    }))
}

/// What `GET /orders` takes in its query, as the routes file declares it.
#[derive(Debug, Deserialize)]
pub(crate) struct OrderQuery {
    pub(crate) item: Vec<String>,
    pub(crate) limit: i64,
}

/// `GET /orders?item=tea&limit=1`: the orders of those items (all without `item`).
pub(crate) fn list_orders(Query(query): Query<OrderQuery>) -> Json<Vec<Order>> {
    let orders = ORDERS
        .into_iter()
        .filter(|(_, item, _)| query.item.is_empty() || query.item.iter().any(|i| i == item))
        .take(usize::try_from(query.limit).unwrap_or(0))
        .map(|(id, item, quantity)| Order {
            id,
            item: item.to_owned(),
            quantity,
        });
    Json(orders.collect())
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct NewOrder {
    pub(crate) item: String,
    pub(crate) quantity: u32,
}

/// `POST /orders` with a JSON body: 201 and a `Location`, or 400 for a quantity of 0 (and,
/// from minik, for a body that is not a `NewOrder`).
pub(crate) fn create_order(Json(new): Json<NewOrder>) -> Result<impl IntoResponse, HttpError> {
    if new.quantity == 0 {
        return Err(HttpError::bad_request("Order at least one."));
    }
    let id = ORDERS.len() as u32 + 1;
    let order = Order {
        id,
        item: new.item,
        quantity: new.quantity,
    };
    let location = [(header::LOCATION, format!("/orders/{id}"))];
    Ok((StatusCode::CREATED, location, Json(order)))
}

/// `POST /login`: a session cookie, and one for the theme the page shows.
pub(crate) fn login() -> Response {
    let session = Cookie::build(("session", "s3cr3t"))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .path("/");
    Response::new(Body::Empty)
        .with_status(StatusCode::NO_CONTENT)
        .with_cookie(session)
        .with_cookie(("theme", "dark"))
}

/// `GET /me`: who the bearer token says the caller is, and which service sent the request.
pub(crate) fn me(request: Request) -> Result<Json<Value>, HttpError> {
    let user = request
        .header("authorization")
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| HttpError::unauthorized("A bearer token is required."))?;
    let via = request.source().map(|source| source.name());
    Ok(Json(json!({ "user": user, "via": via })))
}

/// The app: the routes file embedded in the binary, each handler registered by name.
pub(crate) fn app() -> AppBuilder {
    App::from_toml("examples/testing/routes.toml", include_str!("routes.toml"))
        // Embedded, as the routes file is: on Lambda only what the binary holds is there.
        .schema(
            "schemas/new_order.json",
            include_str!("schemas/new_order.json"),
        )
        .handler("list_orders", list_orders)
        .handler("get_order", get_order)
        .handler("create_order", create_order)
        .handler("me", me)
        .handler("login", login)
}
