/** The stylesheet of the demo's browser page (`GET /app.css`), a file of its own for the same reason as the script. */
export const WEB_PAGE_STYLES = `body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
label { display: inline-block; margin-right: 1rem; }
output { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-all; }
output[data-status^="2"] { color: #106010; }
output[data-status^="4"], output[data-status^="5"], output[data-status="0"] { color: #a01010; }
`;
