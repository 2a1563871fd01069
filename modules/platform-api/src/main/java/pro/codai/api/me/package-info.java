/** The signed-in person's own resources: their profile and their personal API keys. */
package pro.codai.api.me;
