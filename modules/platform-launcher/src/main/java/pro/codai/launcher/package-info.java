/**
 * The server launcher: resolves the appliance's settings, checks them before the server starts
 * (fail fast, one line naming the setting), and plans the Payara Micro command line.
 */
package pro.codai.launcher;
