/**
 * Configuration: the settings file as a MicroProfile Config source. Every setting is listed in
 * {@code docs/reference/configuration.md}; environment variables override the file.
 */
package pro.codai.platform.config;
