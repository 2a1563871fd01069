package pro.codai.portal.account;

import java.io.Serializable;
import java.util.List;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.apikey.ApiKey;
import pro.codai.platform.apikey.ApiKeys;

/**
 * A Pro user's personal API keys: create (the secret is shown once, on this page only), list,
 * revoke. Only the person's own keys are ever listed or revoked.
 */
@Named
@ViewScoped
public class ApiKeysPage implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject transient CurrentAccount account;

    @Inject transient ApiKeys apiKeys;

    private String name;
    private String newSecret;

    public List<ApiKey> getKeys() {
        return apiKeys.ownedBy(account.subject());
    }

    public void create() {
        if (!account.isPro()) {
            error("API keys come with the Pro plan.");
            return;
        }
        if (name == null || name.isBlank()) {
            error("Give the key a name, e.g. the script that uses it.");
            return;
        }
        try {
            ApiKeys.Issued issued =
                    apiKeys.issuePersonal(account.subject(), name, account.subject());
            newSecret = issued.secret();
            name = null;
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
        }
    }

    public void revoke(long id) {
        newSecret = null;
        if (!apiKeys.revokeOwned(id, account.subject(), account.subject())) {
            error("There is no such key.");
        }
    }

    private static void error(String message) {
        FacesContext.getCurrentInstance()
                .addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, message, null));
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** The secret of the key just created; null once the page is left or another action runs. */
    public String getNewSecret() {
        return newSecret;
    }
}
