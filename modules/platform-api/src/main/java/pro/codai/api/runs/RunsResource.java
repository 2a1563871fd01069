package pro.codai.api.runs;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.api.problem.Problem;
import pro.codai.api.security.Allow;
import pro.codai.api.security.Caller;
import pro.codai.platform.apikey.ApiKey;
import pro.codai.platform.apikey.ApiKeys;
import pro.codai.platform.quota.RunBudgets;
import pro.codai.platform.run.Language;
import pro.codai.platform.run.LanguageVersions;
import pro.codai.platform.run.Outcome;
import pro.codai.platform.run.RunCallers;
import pro.codai.platform.run.RunFile;
import pro.codai.platform.run.RunParameters;
import pro.codai.platform.run.RunRejectedException;
import pro.codai.platform.run.RunRequest;
import pro.codai.platform.run.RunResult;
import pro.codai.platform.run.RunService;

/**
 * Compile and run a program in a fresh sandbox: for anyone signed in, or with an API key that has
 * the "runs" scope.
 */
@Path("/v1/runs")
@Tag(name = "runs")
@Allow(
        roles = {"student", "instructor", "admin"},
        apiKeyScope = ApiKey.SCOPE_RUNS)
@SecurityScheme(
        securitySchemeName = "keycloak",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        bearerFormat = "JWT",
        description = "An access token from the campus sign-in (Keycloak realm codaipro)")
@SecurityScheme(
        securitySchemeName = "apiKey",
        type = SecuritySchemeType.APIKEY,
        in = org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn.HEADER,
        apiKeyName = "X-API-Key",
        description = "A personal or service API key (cpk_…)")
@SecurityRequirement(name = "keycloak")
@SecurityRequirement(name = "apiKey")
public class RunsResource {

    @Inject RunService runs;
    @Inject ApiKeys apiKeys;
    @Inject LanguageVersions versions;
    @Inject RunBudgets budgets;

    /**
     * Runs one person may start per hour with a token (their API keys have budgets of their own).
     */
    @Inject
    @ConfigProperty(name = "codaipro.runs.person-runs-per-hour", defaultValue = "600")
    int personRunsPerHour;

    @Context ContainerRequestContext requestContext;
    @Context UriInfo uri;

    /**
     * @param name file name in the working directory
     * @param content the file's bytes, base64
     */
    public record FileBody(String name, String content) {}

    /** Limits; absent ones take Jobe's defaults (5 s, 400 MB, 30 processes, 20 MB, 2 MB). */
    public record LimitsBody(
            Integer cpuSeconds,
            Integer memoryMegabytes,
            Integer processes,
            Integer diskMegabytes,
            Double outputMegabytes) {}

    /**
     * @param language one of {@code GET /v1/runs/languages}
     * @param source the program
     * @param sourceFileName its file name; absent: the language's default
     * @param stdin the program's standard input (text)
     */
    public record RunBody(
            String language,
            String source,
            String sourceFileName,
            String stdin,
            List<FileBody> files,
            LimitsBody limits,
            List<String> compileArgs,
            List<String> linkArgs,
            List<String> interpreterArgs,
            List<String> runArgs) {}

    /**
     * @param outcome {@code OK}, {@code COMPILE_ERROR}, {@code RUNTIME_ERROR}, {@code TIME_LIMIT},
     *     {@code MEMORY_LIMIT}, {@code OUTPUT_LIMIT}, {@code ILLEGAL_SYSCALL}
     * @param jobeOutcome the same as Jobe's outcome code
     */
    public record RunAnswer(
            String outcome,
            int jobeOutcome,
            String compileOutput,
            String stdout,
            String stderr,
            int exitCode,
            int signal,
            long cpuMillis,
            long wallMillis,
            String limitHit) {}

    /** A language and the version the sandboxes run. */
    public record LanguageAnswer(String id, String version) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Compile and run a program in a fresh sandbox")
    @APIResponse(responseCode = "200", description = "The run's outcome and output")
    @APIResponse(responseCode = "400", description = "Malformed request or a limit out of range")
    @APIResponse(responseCode = "401", description = "No valid token or API key")
    @APIResponse(responseCode = "403", description = "The key lacks the runs scope")
    @APIResponse(
            responseCode = "429",
            description = "The key's or the person's hourly run budget is spent")
    @APIResponse(responseCode = "503", description = "Busy (retry after the given seconds)")
    public Response run(RunBody body) {
        RunRequest request = request(body);
        if (!versions.offers(request.language())) {
            // An optional language the sandbox image was built without (Pascal, Octave).
            throw new RunRejectedException(
                    "language '"
                            + request.language().id()
                            + "' is not installed on this server; one of "
                            + versions.all().keySet().stream().map(Language::id).toList());
        }
        Caller caller = Caller.of(requestContext);
        ApiKey key = caller.apiKey();
        String runCaller;
        if (key != null) {
            runCaller = RunCallers.apiKey(key);
            if (!apiKeys.tryCountRun(key)) {
                return budgetSpent(
                        "this key's budget of " + key.runsPerHour() + " runs per hour is spent");
            }
        } else if (caller.kind() == Caller.Kind.PERSON) {
            runCaller = RunCallers.person(caller.subject());
            if (!budgets.tryCount(runCaller, personRunsPerHour)) {
                return budgetSpent(
                        "your budget of " + personRunsPerHour + " runs per hour is spent");
            }
        } else {
            runCaller = RunCallers.ADMIN_TOKEN;
        }
        RunResult result = runs.run(request, runCaller);
        if (result.outcome() == Outcome.OVERLOAD || result.outcome() == Outcome.INTERNAL_ERROR) {
            return Response.fromResponse(
                            Problem.of(
                                            Response.Status.SERVICE_UNAVAILABLE,
                                            result.stderr(),
                                            uri.getPath())
                                    .toResponse())
                    .header("Retry-After", 5)
                    .build();
        }
        return Response.ok(
                        new RunAnswer(
                                result.outcome().name(),
                                result.outcome().jobeCode(),
                                result.compileOutput(),
                                result.stdout(),
                                result.stderr(),
                                result.exitCode(),
                                result.signal(),
                                result.cpuMillis(),
                                result.wallMillis(),
                                result.limitHit()),
                        MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    private Response budgetSpent(String detail) {
        return Response.fromResponse(
                        Problem.of(Response.Status.TOO_MANY_REQUESTS, detail, uri.getPath())
                                .toResponse())
                .header("Retry-After", RunBudgets.RETRY_AFTER_SECONDS)
                .build();
    }

    @GET
    @Path("languages")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The languages runs support, with their versions")
    public List<LanguageAnswer> languages() {
        return versions.all().entrySet().stream()
                .map(entry -> new LanguageAnswer(entry.getKey().id(), entry.getValue()))
                .toList();
    }

    static RunRequest request(RunBody body) {
        if (body == null) {
            throw new RunRejectedException("a JSON body is required");
        }
        Language language =
                Language.byId(body.language())
                        .orElseThrow(
                                () ->
                                        new RunRejectedException(
                                                "unknown language '"
                                                        + body.language()
                                                        + "'; one of "
                                                        + java.util.Arrays.stream(Language.values())
                                                                .map(Language::id)
                                                                .toList()));
        List<RunFile> files = new ArrayList<>();
        if (body.files() != null) {
            for (FileBody file : body.files()) {
                if (file == null || file.content() == null) {
                    throw new RunRejectedException("each file needs a name and content");
                }
                try {
                    files.add(new RunFile(file.name(), Base64.getDecoder().decode(file.content())));
                } catch (IllegalArgumentException e) {
                    throw new RunRejectedException("content of " + file.name() + " is not base64");
                }
            }
        }
        LimitsBody limits =
                body.limits() == null
                        ? new LimitsBody(null, null, null, null, null)
                        : body.limits();
        RunParameters defaults = RunParameters.DEFAULTS;
        RunParameters parameters =
                new RunParameters(
                        or(limits.cpuSeconds(), defaults.cpuSeconds()),
                        or(limits.memoryMegabytes(), defaults.memoryMegabytes()),
                        or(limits.processes(), defaults.processes()),
                        or(limits.diskMegabytes(), defaults.diskMegabytes()),
                        limits.outputMegabytes() == null
                                ? defaults.streamMegabytes()
                                : limits.outputMegabytes(),
                        body.compileArgs(),
                        body.linkArgs(),
                        body.interpreterArgs(),
                        body.runArgs());
        return new RunRequest(
                language,
                body.source(),
                body.sourceFileName(),
                body.stdin() == null
                        ? null
                        : body.stdin().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                files,
                parameters);
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
