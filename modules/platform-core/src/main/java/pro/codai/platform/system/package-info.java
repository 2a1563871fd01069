/** Facts about the running appliance: build, database. */
package pro.codai.platform.system;
