package pro.codai.it;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Entry;

/**
 * A real LDAP server (UnboundID's in-memory directory) on loopback holding a campus-like tree:
 * people under {@code ou=people}, students and staff, and groups under {@code ou=groups} — the
 * realm's {@code students}, {@code staff} and {@code administrators}, and a department group the
 * realm does not know.
 */
final class CampusDirectory implements AutoCloseable {

    static final String BASE = "dc=uni,dc=example";
    static final String PEOPLE = "ou=people," + BASE;
    static final String GROUPS = "ou=groups," + BASE;
    static final String BIND_DN = "cn=keycloak,ou=services," + BASE;
    static final String BIND_PASSWORD = "directory-bind-secret-42";

    private final InMemoryDirectoryServer server;
    final int port;

    private CampusDirectory(InMemoryDirectoryServer server) {
        this.server = server;
        this.port = server.getListenPort();
    }

    static CampusDirectory start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setListenerConfigs(
                InMemoryListenerConfig.createLDAPConfig(
                        "ldap", java.net.InetAddress.getLoopbackAddress(), 0, null));
        config.addAdditionalBindCredentials(BIND_DN, BIND_PASSWORD);
        config.setSchema(null); // as permissive as a campus directory's custom schema
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add(new Entry("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: uni"));
        for (String unit : new String[] {"people", "groups", "services"}) {
            server.add(
                    new Entry(
                            "dn: ou=" + unit + "," + BASE,
                            "objectClass: top",
                            "objectClass: organizationalUnit",
                            "ou: " + unit));
        }
        server.startListening();
        return new CampusDirectory(server);
    }

    String url() {
        return "ldap://127.0.0.1:" + port;
    }

    /** Adds a person; returns their DN. */
    String addPerson(String uid, String givenName, String surname, String email, String password)
            throws Exception {
        String dn = "uid=" + uid + "," + PEOPLE;
        server.add(
                new Entry(
                        "dn: " + dn,
                        "objectClass: top",
                        "objectClass: person",
                        "objectClass: organizationalPerson",
                        "objectClass: inetOrgPerson",
                        "uid: " + uid,
                        "cn: " + givenName + " " + surname,
                        "givenName: " + givenName,
                        "sn: " + surname,
                        "mail: " + email,
                        "userPassword: " + password));
        return dn;
    }

    /** Adds a group with these members (DNs). */
    void addGroup(String name, String... memberDns) throws Exception {
        String[] ldif = new String[4 + memberDns.length];
        ldif[0] = "dn: cn=" + name + "," + GROUPS;
        ldif[1] = "objectClass: top";
        ldif[2] = "objectClass: groupOfNames";
        ldif[3] = "cn: " + name;
        for (int i = 0; i < memberDns.length; i++) {
            ldif[4 + i] = "member: " + memberDns[i];
        }
        server.add(ldif);
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
