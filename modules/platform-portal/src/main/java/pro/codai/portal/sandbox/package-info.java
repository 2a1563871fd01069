/** The portal's pool of connections to sandboxd (the IDE's sandboxes). */
package pro.codai.portal.sandbox;
