/**
 * Sign-in to the portal through Keycloak: the OpenID Connect authorization code flow with PKCE (a
 * confidential client), ID tokens checked against the realm's published keys, tokens refreshed
 * while the Keycloak session lives, and RP-initiated sign-out.
 */
package pro.codai.portal.signin;
