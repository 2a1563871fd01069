package pro.codai.portal.ide;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.portal.site.SiteOrigins;
import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * The workspace's files for the IDE: list, read, write, create folders, rename, delete, upload and
 * export zip archives. Paths are relative to the student's home; every operation runs inside their
 * sandbox as them ({@link WorkspaceFiles}). Errors are RFC 9457 problems.
 */
@Path("workspace")
@RequestScoped
@Tag(name = "Workspace files", description = "The signed-in student's Try Now files (IDE session).")
@APIResponse(responseCode = "400", description = "Bad path or archive")
@APIResponse(responseCode = "401", description = "No signed-in session")
@APIResponse(responseCode = "403", description = "A change without the X-CodaiPro-IDE header")
@APIResponse(
        responseCode = "409",
        description = "A link, a folder where a file is expected, or a name taken")
@APIResponse(responseCode = "429", description = "Today's Try Now time is used up")
@APIResponse(responseCode = "507", description = "The home is full (its size or its file count)")
@APIResponse(responseCode = "503", description = "The workspace cannot be reached")
public class WorkspaceFilesResource {

    @Inject WorkspaceFiles files;
    @Inject Workspaces workspaces;
    @Inject SiteOrigins origins;
    @Context SecurityContext security;

    @GET
    @Path("tree")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Files and folders under a folder",
            description =
                    "Entries {path, type (file, directory, link, other), size, modified} in path"
                            + " order, at most 5000 (then truncated is true); links are listed,"
                            + " never followed.")
    public Response tree(@QueryParam("path") @DefaultValue("") String path) {
        return perform(() -> Response.ok(files.list(subject(), path).toString()).build());
    }

    @GET
    @Path("file")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(
            summary = "A file's content",
            description =
                    "At most 4 MiB. A link, a special file or a file with several names (hard link)"
                            + " is refused (409).")
    @APIResponse(responseCode = "404", description = "No such file")
    @APIResponse(responseCode = "413", description = "Larger than 4 MiB")
    public Response read(
            @QueryParam("path") @DefaultValue("") String path,
            @Parameter(description = "true: sent as an attachment (download)")
                    @QueryParam("download")
                    boolean download) {
        return perform(
                () -> {
                    Response.ResponseBuilder ok = Response.ok(files.read(subject(), path));
                    if (download) {
                        ok.header("Content-Disposition", attachment(lastName(path)));
                    }
                    return ok.header("Cache-Control", "no-store").build();
                });
    }

    @PUT
    @Path("file")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary = "Write a file",
            description =
                    "Creates the file (and missing folders) or replaces its content, at most 4 MiB."
                            + " The content goes to a new file renamed into place: a link at the"
                            + " path is refused, never written through.")
    @APIResponse(responseCode = "204", description = "Written")
    @APIResponse(responseCode = "413", description = "Larger than 4 MiB")
    public Response write(@QueryParam("path") @DefaultValue("") String path, InputStream body) {
        return perform(
                () -> {
                    files.write(subject(), path, body(body, WorkspaceFiles.MAX_FILE_BYTES));
                    return Response.noContent().build();
                });
    }

    @POST
    @Path("folder")
    @Operation(summary = "Create a folder")
    @APIResponse(responseCode = "201", description = "Created")
    public Response makeFolder(@QueryParam("path") @DefaultValue("") String path) {
        return perform(
                () -> {
                    files.makeDirectory(subject(), path);
                    return Response.status(201).build();
                });
    }

    @POST
    @Path("rename")
    @Operation(
            summary = "Rename or move a file or folder",
            description = "Refused (409) when the new path is taken; missing folders are created.")
    @APIResponse(responseCode = "204", description = "Renamed")
    public Response rename(
            @QueryParam("from") @DefaultValue("") String from,
            @QueryParam("to") @DefaultValue("") String to) {
        return perform(
                () -> {
                    files.rename(subject(), from, to);
                    return Response.noContent().build();
                });
    }

    @DELETE
    @Path("file")
    @Operation(
            summary = "Delete a file or a folder with its content",
            description = "Links inside a folder are removed themselves, never followed.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@QueryParam("path") @DefaultValue("") String path) {
        return perform(
                () -> {
                    files.delete(subject(), path);
                    return Response.noContent().build();
                });
    }

    @GET
    @Path("zip")
    @Produces("application/zip")
    @Operation(
            summary = "Export a folder (home by default) as a zip",
            description =
                    "At most 5 MiB of files. Links, special files and files with several names"
                            + " are left out; the archive's comment lists them.")
    @APIResponse(responseCode = "413", description = "The files are larger than 5 MiB")
    public Response exportZip(@QueryParam("path") @DefaultValue("") String path) {
        return perform(
                () ->
                        Response.ok(files.exportZip(subject(), path))
                                .header(
                                        "Content-Disposition",
                                        attachment(
                                                (path.isEmpty() ? "workspace" : lastName(path))
                                                        + ".zip"))
                                .header("Cache-Control", "no-store")
                                .build());
    }

    @POST
    @Path("zip")
    @Consumes({"application/zip", MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Unpack a zip into a folder",
            description =
                    "At most 5 MiB, 2000 entries, 64 MiB unpacked. Every entry is checked first: an"
                            + " absolute path, '..', a link or special-file entry or an encrypted"
                            + " entry refuses the whole archive (400) and nothing is written.")
    @APIResponse(responseCode = "200", description = "{\"unpacked\": entries}")
    @APIResponse(responseCode = "413", description = "Too large")
    public Response importZip(@QueryParam("path") @DefaultValue("") String path, InputStream body) {
        return perform(
                () -> {
                    int unpacked =
                            files.importZip(
                                    subject(), path, body(body, WorkspaceFiles.MAX_ZIP_BYTES));
                    return Response.ok("{\"unpacked\":" + unpacked + "}").build();
                });
    }

    @GET
    @Path("git")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Where repositories can be cloned from",
            description =
                    "{hosts}: the allowed Git hosts (codaipro.ide.git-hosts), each host (HTTPS"
                            + " on 443) or host:port; the workspace's network reaches those and"
                            + " nothing else. Empty: cloning is off.")
    public Response gitHosts() {
        jakarta.json.JsonArrayBuilder hosts = jakarta.json.Json.createArrayBuilder();
        workspaces.gitHosts().forEach(hosts::add);
        return Response.ok(
                        jakarta.json.Json.createObjectBuilder()
                                .add("hosts", hosts)
                                .build()
                                .toString())
                .build();
    }

    @POST
    @Path("git/clone")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Clone a repository",
            description =
                    "git clone of an https:// address on an allowed host into a new folder of"
                            + " the home (folder: the repository's name by default), in the"
                            + " sandbox as the student. No credentials, query or fragment in the"
                            + " address; no redirects; submodules are not cloned.")
    @APIResponse(responseCode = "201", description = "{\"folder\": name}")
    @APIResponse(responseCode = "502", description = "git could not clone (the detail says why)")
    public Response cloneRepository(
            @QueryParam("url") @DefaultValue("") String url,
            @QueryParam("folder") @DefaultValue("") String folder) {
        return perform(
                () -> {
                    String cloned = files.cloneRepository(subject(), url, folder);
                    return Response.status(201)
                            .entity(
                                    jakarta.json.Json.createObjectBuilder()
                                            .add("folder", cloned)
                                            .build()
                                            .toString())
                            .build();
                });
    }

    @GET
    @Path("quota")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Today's Try Now time",
            description =
                    "{plan, unlimited, allowanceSeconds, usedSeconds, remainingSeconds,"
                            + " warningSeconds}: the IDE's meter. Time counts while a tab shows"
                            + " the workspace (or its programs are busy); at the allowance the"
                            + " workspace ends (terminal close code 4002) and file calls answer"
                            + " 429 until the next day. Files are kept.")
    public Response quota() {
        return Response.ok(workspaces.quota(subject()).toJson().toString())
                .header("Cache-Control", "no-store")
                .build();
    }

    @GET
    @Path("home")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "How full the home is",
            description =
                    "{usedBytes, totalBytes, usedInodes, totalInodes} of the student's home (its"
                            + " volume's filesystem): the IDE's \"Home: X of Y used\". A save"
                            + " that finds the home full answers 507.")
    public Response home() {
        return perform(
                () -> {
                    VolumeStats home = workspaces.home(subject());
                    return Response.ok(
                                    jakarta.json.Json.createObjectBuilder()
                                            .add("usedBytes", home.usedBytes())
                                            .add("totalBytes", home.totalBytes())
                                            .add("usedInodes", home.usedInodes())
                                            .add("totalInodes", home.totalInodes())
                                            .build()
                                            .toString())
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    @GET
    @Path("preview")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Where the workspace's web pages are previewed",
            description =
                    "{base}: an absolute address on the preview host (codaipro.ide.preview-url)"
                            + " with a secret of this workspace; base + a path shows that file of"
                            + " the home as a web page, in a sandboxed origin. Hidden files are"
                            + " not shown. It stops working when the workspace ends. 404 when"
                            + " previews are off.")
    public Response preview() {
        if (origins.previewUrl().isEmpty()) {
            return Problems.of(
                    404,
                    "Previews are off",
                    "An administrator has not set an address for previews"
                            + " (codaipro.ide.preview-url).");
        }
        return perform(
                () -> {
                    Workspace workspace = files.workspace(subject());
                    String base =
                            origins.previewUrl().get()
                                    + PreviewServlet.PATH
                                    + "/"
                                    + workspace.previewToken()
                                    + "/";
                    return Response.ok(
                                    jakarta.json.Json.createObjectBuilder()
                                            .add("base", base)
                                            .build()
                                            .toString())
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    private String subject() {
        return security.getUserPrincipal().getName();
    }

    private interface FileCall {
        Response perform() throws WorkspaceFileException, SandboxConnectorException, IOException;
    }

    private static Response perform(FileCall operation) {
        try {
            return operation.perform();
        } catch (WorkspaceFileException refused) {
            return Problems.of(refused);
        } catch (SandboxConnectorException e) {
            return Problems.of(
                    503, "Workspace unavailable", "Your workspace cannot be reached right now.");
        } catch (IOException e) {
            return Problems.of(400, "Upload failed", "The request body could not be read.");
        }
    }

    private static byte[] body(InputStream body, int limit)
            throws IOException, WorkspaceFileException {
        byte[] content = body.readNBytes(limit + 1);
        if (content.length > limit) {
            throw new WorkspaceFileException(
                    "too-large", "At most " + limit + " bytes can be sent at once.");
        }
        return content;
    }

    private static String lastName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** A Content-Disposition that survives any name: ASCII fallback plus RFC 5987 UTF-8. */
    private static String attachment(String name) {
        String ascii = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return "attachment; filename=\""
                + ascii
                + "\"; filename*=UTF-8''"
                + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
