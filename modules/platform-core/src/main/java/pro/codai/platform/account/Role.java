package pro.codai.platform.account;

/** What a person may do on the appliance. Keycloak realm roles of the same name map onto these. */
public enum Role {
    STUDENT,
    INSTRUCTOR,
    ADMIN
}
