/** The signed-in person's pages: dashboard and onboarding tour, profile completion, API keys. */
package pro.codai.portal.account;
