/**
 * The sandboxd protocol, version 1: length-prefixed JSON frames on a Unix socket. See {@code
 * docs/reference/sandboxd-protocol.md}.
 */
package pro.codai.sandbox.protocol;
