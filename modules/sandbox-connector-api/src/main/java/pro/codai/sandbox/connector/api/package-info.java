/**
 * The application's view of the sandbox connector (a Jakarta Connectors resource adapter that is
 * the client of sandboxd). Obtain the factory by resource injection:
 *
 * <pre>{@code
 * @Resource(lookup = "java:app/codaipro/sandbox-api")
 * SandboxConnectionFactory sandboxes;
 *
 * try (RunSlot slot = sandboxes.admitRun("person:" + subject);
 *         SandboxConnection connection = sandboxes.getConnection()) {
 *     String id = connection.acquire(sandboxes.defaultSpec());
 *     try {
 *         ExecResult result = connection.exec(id, ExecRequest.of("python3", "-c", "print(42)"));
 *     } finally {
 *         connection.destroy(id);
 *     }
 * }
 * }</pre>
 *
 * Nothing here touches JNA, LXC or the socket; the value types come from {@code sandbox-api}.
 */
package pro.codai.sandbox.connector.api;
