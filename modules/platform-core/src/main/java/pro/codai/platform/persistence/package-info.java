/**
 * Persistence: the server's {@code jdbc/codaipro} data source, schema migrations (Liquibase) and
 * database health. Embedded Derby by default, PostgreSQL in production.
 */
package pro.codai.platform.persistence;
