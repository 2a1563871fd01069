/**
 * API keys for machine clients: issued once, stored as SHA-256 digests, scoped, revocable, with an
 * optional hourly run budget.
 */
package pro.codai.platform.apikey;
