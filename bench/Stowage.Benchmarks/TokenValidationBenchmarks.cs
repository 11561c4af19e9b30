using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Stowage.Benchmarks;

/// <summary>
/// The check AppTokenValidator runs the first time it sees a connected app's token: the ES256
/// signature and the type, with its validation parameters. Later requests with the same token
/// hit its memo instead; this is the cost that memo saves per request.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JsonWebTokenHandler _handler = new();
    private TokenValidationParameters _parameters = null!;
    private string _token = "";

    [GlobalSetup]
    public void Setup()
    {
        var signingKey = new ECDsaSecurityKey(_key) { KeyId = "bench" };
        _token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://127.0.0.1:8080/",
            Audience = "stowage",
            TokenType = "at+jwt",
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["client_id"] = "0123456789abcdef0123456789abcdef",
                ["jti"] = Guid.NewGuid().ToString(),
                ["sv"] = "1",
                ["scope"] = "manage:store_data read:store",
            },
        });
        // The same parameters as AppTokenValidator: issuer and lifetime are checked there, per request.
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = signingKey,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidAudience = "stowage",
            ValidateIssuer = false,
            ValidateLifetime = false,
        };
    }

    [Benchmark]
    public async Task<bool> ValidateEs256AccessToken() => (await _handler.ValidateTokenAsync(_token, _parameters)).IsValid;

    public void Dispose()
    {
        _key.Dispose();
        GC.SuppressFinalize(this);
    }
}
