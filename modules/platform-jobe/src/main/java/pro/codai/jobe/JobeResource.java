package pro.codai.jobe;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.platform.apikey.ApiKey;
import pro.codai.platform.apikey.ApiKeys;
import pro.codai.platform.persistence.ApplicationDatabase;
import pro.codai.platform.run.Language;
import pro.codai.platform.run.LanguageVersions;
import pro.codai.platform.run.Outcome;
import pro.codai.platform.run.RunCallers;
import pro.codai.platform.run.RunRequest;
import pro.codai.platform.run.RunResult;
import pro.codai.platform.run.RunService;

/**
 * Jobe's resources. Keys: when {@code codaipro.jobe.require-api-key} is true (the default), every
 * request needs {@code X-API-KEY} with a key that has the {@code jobe} scope (403 otherwise), and
 * runs count against the key's hourly budget (429 when spent). A full run queue answers outcome 21
 * (server overload) with HTTP 200, as Jobe does, so CodeRunner shows its usual "try again"; so does
 * a run while the database is out of reach (other resources answer 503 then).
 */
@Path("/")
public class JobeResource {

    private static final Logger LOG = Logger.getLogger(JobeResource.class.getName());

    static final String DATABASE_UNAVAILABLE =
            "Server overload: the database is unavailable; try again shortly";

    @Inject RunService runs;
    @Inject LanguageVersions versions;
    @Inject JobeFiles files;
    @Inject ApiKeys apiKeys;
    @Inject ApplicationDatabase database;

    // Read as text: only "false" turns keys off. MicroProfile Config would read a misspelt
    // "ture" as false and open the API; the launcher refuses it, but a full Payara Server has no
    // launcher.
    @Inject
    @ConfigProperty(name = "codaipro.jobe.require-api-key", defaultValue = "true")
    String requireApiKey;

    @GET
    @Path("languages")
    @Produces(MediaType.APPLICATION_JSON)
    public Response languages(@jakarta.ws.rs.core.Context HttpHeaders headers) {
        Optional<Response> refused = checkKey(headers).refusal();
        if (refused.isPresent()) {
            return refused.get();
        }
        var list = JobeJson.JSON.createArrayBuilder();
        for (Map.Entry<Language, String> entry : versions.all().entrySet()) {
            list.add(
                    JobeJson.JSON
                            .createArrayBuilder()
                            .add(entry.getKey().id())
                            .add(entry.getValue()));
        }
        return Response.ok(list.build().toString(), JobeError.JSON).build();
    }

    @POST
    @Path("runs")
    @Produces(MediaType.APPLICATION_JSON)
    public Response run(@jakarta.ws.rs.core.Context HttpHeaders headers, String body) {
        Access access = checkKey(headers);
        if (access.databaseUnavailable()) {
            return answer(RunResult.of(Outcome.OVERLOAD, DATABASE_UNAVAILABLE));
        }
        if (access.refusal().isPresent()) {
            return access.refusal().get();
        }
        try {
            RunSpecs.JobeRun jobeRun = RunSpecs.parse(body, files::get);
            if (!versions.offers(jobeRun.request().language())) {
                // An optional language the sandbox image was built without (Pascal, Octave).
                throw new JobeError(
                        "Language '" + jobeRun.request().language().id() + "' is not known", 400);
            }
            if (access.key() != null && !apiKeys.tryCountRun(access.key())) {
                return JobeError.response("Rate limit exceeded for this API key", 429);
            }
            RunResult result =
                    runs.run(
                            jobeRun.request(),
                            access.key() == null
                                    ? RunCallers.ANONYMOUS
                                    : RunCallers.apiKey(access.key()));
            if (!jobeRun.debug()) {
                return answer(result);
            }
            String runId = debugRunId();
            LOG.info(
                    () ->
                            "Jobe debug run "
                                    + runId
                                    + ": outcome "
                                    + result.outcome().jobeCode()
                                    + " (nothing is kept)");
            return answer(result, runId);
        } catch (JobeError e) {
            return e.toResponse();
        } catch (RuntimeException e) {
            if (database.explains(e)) {
                return answer(RunResult.of(Outcome.OVERLOAD, DATABASE_UNAVAILABLE));
            }
            throw e;
        }
    }

    /** Jobe's answer to a run: always 200, the outcome says what happened. */
    private static Response answer(RunResult result) {
        return answer(result, null);
    }

    /**
     * {@code runId}: null but for a debug run, which Jobe names (its kept directory); such a run is
     * named here too, in the answer and the log, and nothing of it is kept.
     */
    private static Response answer(RunResult result, String runId) {
        JsonObjectBuilder answer =
                JobeJson.JSON
                        .createObjectBuilder()
                        .add(
                                "run_id",
                                runId == null ? JsonValue.NULL : JobeJson.JSON.createValue(runId))
                        .add("outcome", result.outcome().jobeCode())
                        .add("cmpinfo", result.compileOutput())
                        .add("stdout", result.stdout())
                        .add("stderr", result.stderr());
        return Response.ok(answer.build().toString(), JobeError.JSON).build();
    }

    private static final String RUN_ID_CHARACTERS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** A debug run's name, shaped as Jobe's run directories are: {@code jobe_} and six more. */
    static String debugRunId() {
        StringBuilder id = new StringBuilder("jobe_");
        java.util.concurrent.ThreadLocalRandom random =
                java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            id.append(RUN_ID_CHARACTERS.charAt(random.nextInt(RUN_ID_CHARACTERS.length())));
        }
        return id.toString();
    }

    @PUT
    @Path("files/{id}")
    public Response putFile(
            @jakarta.ws.rs.core.Context HttpHeaders headers,
            @PathParam("id") String id,
            String body) {
        Optional<Response> refused = checkKey(headers).refusal();
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!JobeFiles.isValidId(id)) {
            return JobeError.response("put: file id must be 1 to 64 letters or digits", 400);
        }
        JsonValue contents =
                RunSpecs.json(body)
                        .filter(value -> value.getValueType() == JsonValue.ValueType.OBJECT)
                        .map(value -> value.asJsonObject().get("file_contents"))
                        .orElse(null);
        if (!(contents instanceof JsonString base64)) {
            return JobeError.response("put: missing file_contents parameter", 400);
        }
        byte[] bytes;
        try {
            // Line breaks and blanks are allowed (as in PHP's strict base64_decode); nothing else.
            bytes = Base64.getDecoder().decode(base64.getString().replaceAll("[\\s]", ""));
        } catch (IllegalArgumentException e) {
            return JobeError.response(
                    "put: contents of file " + id + " are not valid base-64", 400);
        }
        if (bytes.length > RunRequest.MAX_BYTES) {
            return JobeError.response("put: file " + id + " is too large", 413);
        }
        try {
            files.put(id, bytes);
        } catch (IOException e) {
            return JobeError.response("put: failed to write file " + id + " to cache", 500);
        }
        return Response.noContent().build();
    }

    @HEAD
    @Path("files/{id}")
    public Response checkFile(
            @jakarta.ws.rs.core.Context HttpHeaders headers, @PathParam("id") String id) {
        Optional<Response> refused = checkKey(headers).refusal();
        if (refused.isPresent()) {
            return refused.get();
        }
        boolean present = JobeFiles.isValidId(id) && files.exists(id);
        return Response.status(present ? 204 : 404).build();
    }

    /** Whether the setting asks for keys: anything but {@code false} does. */
    static boolean keysRequired(String setting) {
        return !"false".equalsIgnoreCase(setting.strip());
    }

    /**
     * The caller's key (null when keys are not required) or why it is refused; refused with 503
     * when the key could not be checked because the database is out of reach.
     */
    private record Access(ApiKey key, Optional<Response> refusal, boolean databaseUnavailable) {
        Access(ApiKey key, Optional<Response> refusal) {
            this(key, refusal, false);
        }
    }

    private Access checkKey(HttpHeaders headers) {
        if (!keysRequired(requireApiKey)) {
            return new Access(null, Optional.empty());
        }
        String presented = headers.getHeaderString("X-API-KEY");
        Optional<ApiKey> key;
        try {
            key = presented == null ? Optional.empty() : apiKeys.verify(presented);
        } catch (RuntimeException e) {
            if (!database.explains(e)) {
                throw e;
            }
            LOG.warning(() -> "Database unavailable checking a Jobe key: " + e);
            return new Access(
                    null,
                    Optional.of(
                            Response.fromResponse(JobeError.response(DATABASE_UNAVAILABLE, 503))
                                    .header("Retry-After", 5)
                                    .build()),
                    true);
        }
        if (key.isEmpty() || !key.get().allows(ApiKey.SCOPE_JOBE)) {
            return new Access(null, Optional.of(JobeError.response("Unauthorised API key", 403)));
        }
        return new Access(key.get(), Optional.empty());
    }
}
