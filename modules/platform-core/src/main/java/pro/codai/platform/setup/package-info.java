/**
 * First-boot setup of an appliance: whether setup is still pending, the settings the setup wizard
 * decides that live in the database (site name, logo, student email domains), and the checks of
 * what an administrator hands the wizard (TLS certificate and key, email domains, logo) — plain
 * Java, so unit tests reach them without a server.
 */
package pro.codai.platform.setup;
