package pro.codai.portal.ide;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks the addresses students clone from: HTTPS, on an allowed host, nothing hidden in them. */
final class GitAddresses {

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~+-]+)+/?");
    private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private GitAddresses() {}

    /** The address, if it may be cloned from; refused with a reason otherwise. */
    static URI check(String url, List<String> allowedHosts) throws WorkspaceFileException {
        if (allowedHosts.isEmpty()) {
            throw new WorkspaceFileException(
                    "git-off", "Cloning is off: an administrator has allowed no Git hosts.");
        }
        URI address;
        try {
            address = new URI(url == null ? "" : url.strip());
        } catch (URISyntaxException e) {
            throw new WorkspaceFileException("bad-url", "Not an address: " + e.getReason());
        }
        if (!"https".equalsIgnoreCase(address.getScheme()) || address.getHost() == null) {
            throw new WorkspaceFileException(
                    "bad-url", "Only https:// addresses of a repository can be cloned.");
        }
        if (address.getRawUserInfo() != null
                || address.getRawQuery() != null
                || address.getRawFragment() != null) {
            throw new WorkspaceFileException(
                    "bad-url",
                    "No user name, password, query or fragment in the address: clone public"
                            + " repositories, or use the terminal for private ones.");
        }
        String path = address.getRawPath();
        if (path == null
                || url.length() > 512
                || !PATH.matcher(path).matches()
                || path.contains("/../")
                || path.endsWith("/..")) {
            throw new WorkspaceFileException("bad-url", "Not a repository path: " + path);
        }
        String host = address.getHost().toLowerCase(Locale.ROOT);
        int port = address.getPort();
        boolean allowed =
                allowedHosts.contains(host + ":" + (port == -1 ? 443 : port))
                        || ((port == -1 || port == 443) && allowedHosts.contains(host));
        if (!allowed) {
            throw new WorkspaceFileException(
                    "forbidden-host",
                    "Repositories can be cloned from "
                            + String.join(", ", allowedHosts)
                            + " only.");
        }
        return address;
    }

    /** A folder named by the student: one plain name in the home. */
    static String checkFolder(String folder) throws WorkspaceFileException {
        if (!FOLDER.matcher(folder).matches() || folder.startsWith(".") || folder.startsWith("-")) {
            throw new WorkspaceFileException(
                    "bad-path",
                    "A clone goes into one new folder of your home: letters, digits, '.', '_', '-'.");
        }
        return folder;
    }

    /** The folder a clone goes to by default: the repository's name. */
    static String folderOf(URI address) throws WorkspaceFileException {
        String path = address.getRawPath().replaceAll("/+$", "");
        String name = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.git$", "");
        if (!FOLDER.matcher(name).matches() || name.startsWith(".")) {
            throw new WorkspaceFileException(
                    "bad-url", "Name the folder to clone into: '" + name + "' cannot be one.");
        }
        return name;
    }
}
