package io.sluice.web;

import io.sluice.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use {@code sluice serve}'s dashboard and REST API, and what protects its actions.
 *
 * <ul>
 *   <li>Bound to a loopback address (the default, {@code server.address: 127.0.0.1}) with no users configured,
 *       anyone on this machine may read and act, as with the CLI; a request naming another host (DNS rebinding:
 *       a web site whose name resolves to 127.0.0.1) is refused.</li>
 *   <li>Bound to any other address, it refuses to start without users: {@code sluice.serve.users}, each with a
 *       {@code name}, a hashed {@code password} in Spring Security's {@code {id}hash} form ({@code {bcrypt}$2a$10$...},
 *       made with {@code sluice serve --hash-password}), and a {@code role}: {@code viewer} reads, {@code operator}
 *       also starts, stops, restarts, recovers and abandons. With users configured, every request authenticates
 *       with HTTP Basic, on loopback too.</li>
 *   <li>Cross-site requests: the dashboard's forms carry a CSRF token (Spring Security's synchronizer token);
 *       an API request that changes something is refused when a browser says it comes from another site
 *       ({@code Origin} not this host, or {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}),
 *       the OWASP check by standard headers, so that scripts and curl need no token.</li>
 * </ul>
 */
@Configuration
@ConditionalOnWebApplication
@EnableConfigurationProperties(ServeSecurity.Users.class)
class ServeSecurity {

    static final String VIEWER = "VIEWER";
    static final String OPERATOR = "OPERATOR";
    private static final Pattern HASHED = Pattern.compile("\\{bcrypt}\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}"
            + "|\\{(argon2@SpringSecurity_v5_8|argon2|pbkdf2@SpringSecurity_v5_8|pbkdf2|scrypt@SpringSecurity_v5_8|scrypt)}.{16,}");
    /** The host names a browser on this machine reaches a loopback server by (a DNS name pointed at 127.0.0.1 is none of them). */
    private static final Pattern LOOPBACK_HOST = Pattern.compile("(localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1])(:\\d+)?");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /**
     * The users of {@code sluice.serve.users}.
     *
     * @param users each with a name, a hashed password and a role ({@code viewer} or {@code operator})
     */
    @ConfigurationProperties("sluice.serve")
    record Users(List<Account> users) {
        Users {
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    /** One user of the dashboard and the API. */
    record Account(String name, String password, String role) {
    }

    /** The password encoder for {@code {id}hash} passwords (bcrypt by default). */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * The configured users.
     *
     * @throws InvalidInputException when a user lacks a name, has a password that is not hashed, or a role that is
     *                               neither viewer nor operator; or when the server is bound beyond loopback without users
     */
    @Bean
    UserDetailsService users(Users configured, Environment environment) {
        List<String> problems = new ArrayList<>();
        List<UserDetails> users = new ArrayList<>();
        for (int i = 0; i < configured.users().size(); i++) {
            Account account = configured.users().get(i);
            String where = "sluice.serve.users[" + i + "]";
            if (account.name() == null || account.name().isBlank()) {
                problems.add(where + " has no name");
                continue;
            }
            if (account.password() == null || !HASHED.matcher(account.password()).matches()) {
                problems.add(where + " (" + account.name() + "): the password must be a hash such as {bcrypt}$2a$10$..."
                        + " (make one with `sluice serve --hash-password`), never the password itself");
            }
            String role = account.role() == null ? "" : account.role().trim().toUpperCase(Locale.ROOT);
            if (!role.equals(VIEWER) && !role.equals(OPERATOR)) {
                problems.add(where + " (" + account.name() + "): role '" + account.role() + "' is neither viewer nor operator");
            }
            if (problems.isEmpty()) {
                users.add(User.withUsername(account.name()).password(account.password())
                        .roles(role.equals(OPERATOR) ? new String[]{VIEWER, OPERATOR} : new String[]{VIEWER}).build());
            }
        }
        String address = environment.getProperty("server.address", "");
        if (users.isEmpty() && problems.isEmpty() && !loopback(address)) {
            problems.add("serve is bound to " + (address.isBlank() ? "every address" : address) + ", beyond this machine, without users: configure sluice.serve.users"
                    + " (name, a password hash from `sluice serve --hash-password`, role viewer or operator), or bind it to 127.0.0.1");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(String.join("; ", problems));
        }
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    SecurityFilterChain serveFilterChain(HttpSecurity http, Users configured) throws Exception {
        boolean open = configured.users().isEmpty(); // only on loopback: users() refuses the rest
        http.authorizeHttpRequests(requests -> {
            if (open) {
                // DNS rebinding: a site whose name resolves to 127.0.0.1 would otherwise be same-origin with this server
                requests.requestMatchers(request -> !LOOPBACK_HOST.matcher(String.valueOf(request.getHeader("Host"))).matches()).denyAll();
            }
            // health and its liveness and readiness groups carry no details (show-details: never), so probes need no user;
            // /actuator/prometheus is a viewer's
            requests.requestMatchers("/error", "/css/**", "/js/**", "/webjars/**", "/actuator/health", "/actuator/health/**").permitAll();
            if (open) {
                requests.anyRequest().permitAll();
            } else {
                requests.requestMatchers(request -> !SAFE.contains(request.getMethod())).hasRole(OPERATOR);
                requests.anyRequest().hasRole(VIEWER);
            }
        });
        if (!open) {
            http.httpBasic(basic -> basic.realmName("sluice"));
        }
        http.csrf(csrf -> csrf.requireCsrfProtectionMatcher(needsToken()));
        http.requestCache(cache -> cache.disable()); // HTTP Basic returns to nothing: no session for a refused request
        http.headers(headers -> headers.frameOptions(frame -> frame.deny()));
        return http.build();
    }

    /**
     * Which requests must carry a CSRF token: every one that changes something, except an API request no browser
     * marks as coming from another site.
     */
    private static RequestMatcher needsToken() {
        return request -> !SAFE.contains(request.getMethod()) && (!request.getRequestURI().startsWith("/api/") || crossSite(request));
    }

    /** Whether a browser says the request comes from another site ({@code Origin}, {@code Sec-Fetch-Site}). */
    static boolean crossSite(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return true;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = request.getHeader("Host");
        return host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    /** Whether {@code address} is a loopback address; an empty one means every address, as Boot binds it. */
    private static boolean loopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
