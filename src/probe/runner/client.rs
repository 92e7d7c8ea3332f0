//! The client side of a run (client-server API, "Server Discovery"): the
//! client file with `Origin` and its CORS preflight at once, then the
//! advertised `/_matrix/client/versions` (with its preflight) and identity
//! server at once; plus the support file and the caching verdict, which
//! need nothing but the files.

use std::sync::Arc;

use super::ctx::Ctx;
use super::requests;
use crate::check::model::CheckId;
use crate::check::verdict::client::{ClientObservations, client_versions, client_well_known};
use crate::check::verdict::{cache, cors, support};
use crate::matrix::client_discovery::{ClientWellKnown, support_url, well_known_url};
use crate::matrix::discovery::{Discovery, Need};
use crate::observe::HttpObservation;
use crate::probe::FetchRequest;

async fn get(ctx: &Ctx, request: FetchRequest) -> HttpObservation {
    ctx.fetch(&request).await
}

async fn maybe(ctx: &Ctx, request: Option<FetchRequest>) -> Option<HttpObservation> {
    match request {
        Some(r) => Some(get(ctx, r).await),
        None => None,
    }
}

/// `client.well-known`, `client.versions`, `client.cors`.
pub(crate) async fn client(ctx: &Arc<Ctx>) -> ClientObservations {
    ctx.emit.start(CheckId::ClientWellKnown, None);
    ctx.emit.start(CheckId::ClientCors, None);
    let url = well_known_url(&ctx.name);
    let (well_known, preflight) = futures::join!(
        get(ctx, requests::browser_get(&url)),
        get(ctx, requests::preflight(&url, None))
    );
    let wk = ClientWellKnown::read(well_known.clone());
    ctx.emit.start(CheckId::ClientVersions, None);
    let versions_url = wk.versions_url();
    // A plain-http base_url (or identity server) is asked over http, as a
    // native client asks it; the verdicts judge what that means for web
    // clients.
    let (versions, versions_preflight, identity) = futures::join!(
        maybe(
            ctx,
            versions_url
                .as_deref()
                .map(|u| requests::browser_get(u).allow_plain_http(true))
        ),
        maybe(
            ctx,
            versions_url
                .as_deref()
                .map(|u| { requests::preflight(u, Some("authorization")).allow_plain_http(true) })
        ),
        maybe(
            ctx,
            wk.identity_url()
                .as_deref()
                .map(|u| requests::browser_get(u).allow_plain_http(true))
        )
    );
    let obs = ClientObservations {
        well_known,
        preflight: Some(preflight),
        versions,
        versions_preflight,
        identity,
    };
    let conclusion = wk.conclude(obs.versions.as_ref(), obs.identity.as_ref());
    ctx.emit.client(conclusion.verdict, wk.base_url.clone());
    ctx.emit.finish(client_well_known(
        &ctx.name,
        &wk,
        &conclusion,
        obs.versions.as_ref(),
        &ctx.ex,
    ));
    ctx.emit
        .finish(client_versions(&wk, obs.versions.as_ref(), &ctx.ex));
    ctx.emit
        .finish(cors::client_cors(&obs, &ctx.ex, &ctx.name.host_str()));
    obs
}

/// `support.well-known`.
pub(crate) async fn support(ctx: &Arc<Ctx>) -> HttpObservation {
    ctx.emit.start(CheckId::SupportWellKnown, None);
    let obs = get(ctx, requests::well_known(&support_url(&ctx.name))).await;
    ctx.emit.finish(support::support_well_known(&obs, &ctx.ex));
    obs
}

/// `cache.well-known`: the caching headers of the server file (when
/// discovery fetches one) and of the client file — the same requests
/// discovery and the client side make, shared.
pub(crate) async fn caching(ctx: &Arc<Ctx>) {
    ctx.emit.start(CheckId::CacheWellKnown, None);
    let server_url = match Discovery::new(ctx.name.clone()).need() {
        Some(Need::WellKnown { url }) => Some(url),
        _ => None,
    };
    let (server, client) = futures::join!(
        maybe(ctx, server_url.as_deref().map(requests::well_known)),
        get(ctx, requests::browser_get(&well_known_url(&ctx.name)))
    );
    ctx.emit.finish(cache::cache_well_known(
        server.as_ref(),
        Some(&client),
        ctx.now_ms.div_euclid(1000),
        &ctx.ex,
        &ctx.name.host_str(),
    ));
}
