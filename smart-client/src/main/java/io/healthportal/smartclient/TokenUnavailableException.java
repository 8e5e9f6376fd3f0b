package io.healthportal.smartclient;

/** No access token could be had: the authorization server was unreachable or refused the client. */
public class TokenUnavailableException extends RuntimeException {

    TokenUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
