/**
 * The sandbox SPI: what a sandbox driver offers (create, start, exec, PTY, stop, destroy, list,
 * stats) and the value types that describe sandboxes and runs. Free of Jakarta and of native code,
 * so the daemon, the connector and tests share it.
 *
 * <pre>{@code
 * SandboxDriver driver = SandboxDrivers.best(config);
 * try (Sandbox sandbox = driver.create(SandboxSpec.defaults("base"))) {
 *     sandbox.start();
 *     ExecResult result = sandbox.exec(ExecRequest.of("python3", "-c", "print(6*7)"));
 *     System.out.println(result.stdoutText()); // 42
 * }
 * }</pre>
 */
package pro.codai.sandbox.api;
