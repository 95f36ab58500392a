package io.redisbackup.backupstore.s3;

import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 that leaves request bodies unsigned on plain HTTP too, as the SDK already does on HTTPS. Over HTTP the SDK
 * signs every body: a SHA-256 of every byte uploaded, which the server hashes again to check, on the snapshot's
 * critical path. What we upload needs no such check: every frame of a sealed backup carries its own AES-GCM tag,
 * checked on every read, and the manifest names each file's checksum. The request itself (method, path, headers)
 * is still signed.
 */
final class UnsignedPayload implements AuthScheme<AwsCredentialsIdentity> {

    private final AwsV4AuthScheme sigV4 = AwsV4AuthScheme.create();

    @Override
    public String schemeId() {
        return AwsV4AuthScheme.SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return sigV4.identityProvider(providers);
    }

    @Override
    public HttpSigner<AwsCredentialsIdentity> signer() {
        AwsV4HttpSigner signer = sigV4.signer();
        return new HttpSigner<>() {
            @Override
            public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
                SdkHttpRequest http = request.request();
                if (!"http".equals(http.protocol())) {
                    return signer.sign(request);
                }
                // the signer decides on the body by the scheme alone; the scheme is not part of what is signed
                SignedRequest signed = signer.sign(request.copy(copy -> copy.request(asScheme(http, "https"))));
                return signed.copy(copy -> copy.request(asScheme(signed.request(), "http")));
            }

            @Override
            public CompletableFuture<AsyncSignedRequest> signAsync(
                    AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
                return signer.signAsync(request);
            }
        };
    }

    private static SdkHttpRequest asScheme(SdkHttpRequest request, String protocol) {
        return request.toBuilder().protocol(protocol).port(request.port()).build();
    }
}
