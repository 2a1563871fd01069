/**
 * The Jobe-compatible REST API ({@code /jobe/index.php/restapi/}), so that Moodle's CodeRunner can
 * use the appliance as its Jobe server. It follows Jobe's published API: {@code GET languages},
 * immediate-mode {@code POST runs}, {@code PUT}/{@code HEAD files/{id}}, Jobe's outcome codes and
 * error answers (a JSON string with the HTTP status).
 */
package pro.codai.jobe;
