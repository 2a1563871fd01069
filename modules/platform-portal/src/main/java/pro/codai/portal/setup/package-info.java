/**
 * The first-boot setup wizard ({@code /setup}): the setup code, host name and TLS, the first
 * administrator, the campus directory, the mail relay, student email domains and branding. Each
 * step is checked when it is left; nothing is written until the last step, where everything is
 * applied in one go by operations that are each idempotent (so a failure part-way, e.g. Keycloak
 * unreachable, is retried from the same page without leaving half a setup), and setup is marked
 * complete only after all of them succeeded.
 */
package pro.codai.portal.setup;
