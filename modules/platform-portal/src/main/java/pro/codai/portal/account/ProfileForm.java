package pro.codai.portal.account;

import java.io.IOException;
import java.io.Serializable;

import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.account.AccountKind;
import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;

/** Profile completion after the first sign-in: student or developer, institution, programme. */
@Named
@ViewScoped
public class ProfileForm implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject transient CurrentAccount account;

    @Inject transient UserProfiles profiles;

    private AccountKind kind;
    private String institution;
    private String programme;

    @PostConstruct
    void load() {
        UserProfile profile = account.getProfile();
        if (profile != null) {
            kind = profile.getAccountKind();
            institution = profile.getInstitution();
            programme = profile.getProgramme();
        }
    }

    public void save() throws IOException {
        FacesContext faces = FacesContext.getCurrentInstance();
        if (kind == AccountKind.STUDENT && (institution == null || institution.isBlank())) {
            faces.addMessage(
                    "profile:institution",
                    new FacesMessage(
                            FacesMessage.SEVERITY_ERROR,
                            "Enter your school or university.",
                            "Students need to name their school or university."));
            return;
        }
        try {
            profiles.completeProfile(account.subject(), kind, institution, programme);
        } catch (IllegalArgumentException e) {
            faces.addMessage(
                    null, new FacesMessage(FacesMessage.SEVERITY_ERROR, e.getMessage(), null));
            return;
        }
        faces.getExternalContext()
                .redirect(
                        faces.getExternalContext().getRequestContextPath()
                                + "/app/dashboard.xhtml");
    }

    public AccountKind[] getKinds() {
        return AccountKind.values();
    }

    public AccountKind getKind() {
        return kind;
    }

    public void setKind(AccountKind kind) {
        this.kind = kind;
    }

    public String getInstitution() {
        return institution;
    }

    public void setInstitution(String institution) {
        this.institution = institution;
    }

    public String getProgramme() {
        return programme;
    }

    public void setProgramme(String programme) {
        this.programme = programme;
    }
}
