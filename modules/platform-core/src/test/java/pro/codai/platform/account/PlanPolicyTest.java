package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanPolicyTest {

    final PlanPolicy policy = new PlanPolicy(List.of("uni.example", " @college.example ", ""));

    static SignIn signIn(String email, boolean verified, String... roles) {
        return new SignIn("sub", "user", email, verified, "User", Set.of(roles));
    }

    @ParameterizedTest
    @CsvSource({
        "ada@uni.example, true",
        "ada@Student.UNI.example, true",
        "ada@college.example, true",
        "ada@notuni.example, false",
        "ada@uni.example.evil.test, false",
        "uni.example, false",
        "ada@, false",
        "@uni.example, false"
    })
    void studentAddressesAreThoseAtAnAllowedDomainOrItsSubdomains(String email, boolean student) {
        assertThat(policy.isStudentAddress(email)).isEqualTo(student);
    }

    @Test
    void aVerifiedStudentAddressEarnsTheStudentPlanAnUnverifiedOneDoesNot() {
        assertThat(policy.planFor(signIn("ada@uni.example", true))).isEqualTo(Plan.STUDENT);
        assertThat(policy.planFor(signIn("ada@uni.example", false))).isEqualTo(Plan.FREE);
        assertThat(policy.planFor(signIn("ada@gmail.example", true))).isEqualTo(Plan.FREE);
    }

    @Test
    void theDirectoryDecidesFirst() {
        assertThat(policy.planFor(signIn("x@gmail.example", false, "plan-pro")))
                .isEqualTo(Plan.PRO);
        assertThat(policy.planFor(signIn("x@gmail.example", false, "plan-student")))
                .isEqualTo(Plan.STUDENT);
        assertThat(policy.planFor(signIn("x@uni.example", true, "plan-pro", "plan-student")))
                .isEqualTo(Plan.PRO);
    }

    @Test
    void noDomainsConfiguredMeansNoStudentByAddress() {
        assertThat(new PlanPolicy(List.of("")).planFor(signIn("ada@uni.example", true)))
                .isEqualTo(Plan.FREE);
    }

    @Test
    void theStrongestRoleWins() {
        assertThat(signIn("a@b.c", true, "student", "admin", "instructor").role())
                .isEqualTo(Role.ADMIN);
        assertThat(signIn("a@b.c", true, "instructor").role()).isEqualTo(Role.INSTRUCTOR);
        assertThat(signIn("a@b.c", true).role()).isEqualTo(Role.STUDENT);
    }
}
