package pro.codai.jobe;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON provider, looked up once. Each {@code Json.create…} call looks the provider up again
 * with a {@code ServiceLoader} that scans every jar of the application for it: in a profile of the
 * Jobe benchmark that lookup was over half of the server's own time in {@link JobeResource#run}
 * (parsing the run spec and writing the answer), more than the run itself.
 */
final class JobeJson {

    static final JsonProvider JSON = JsonProvider.provider();

    private JobeJson() {}
}
