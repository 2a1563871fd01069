/**
 * The sandbox connector (Jakarta Connectors resource adapter): the only way the application reaches
 * sandboxd. Applications use its connection factory, never the socket or liblxc.
 */
package pro.codai.sandbox.connector;
