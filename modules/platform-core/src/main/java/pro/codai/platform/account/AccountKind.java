package pro.codai.platform.account;

/** What a person says they are when they complete their profile. */
public enum AccountKind {
    /** Enrolled at a school or university. */
    STUDENT,
    /** Anyone else who writes code here: staff, alumni, professionals. */
    DEVELOPER
}
