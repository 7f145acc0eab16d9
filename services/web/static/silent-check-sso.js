// keycloak-js silent check-sso: Keycloak redirects this hidden frame here with the result of a
// prompt=none authorization request; hand it to the app (same origin only).
parent.postMessage(location.href, location.origin);
