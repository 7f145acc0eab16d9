// Everything the app shows is live data over the WebSocket, in the browser: the server sends the
// shell (with the CSP and runtime configuration) and the browser renders.
export const ssr = false;
export const prerender = false;
