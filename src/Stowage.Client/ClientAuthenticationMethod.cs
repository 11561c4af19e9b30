namespace Stowage.Client;

/// <summary>How a client authenticates to the OAuth endpoints (RFC 6749 §2.3.1).</summary>
public enum ClientAuthenticationMethod
{
    /// <summary>
    /// <c>client_secret_basic</c>: an <c>Authorization: Basic</c> header carrying
    /// base64(urlencode(client_id) ":" urlencode(client_secret)), the form-urlencoding applied
    /// first as the RFC requires. The default.
    /// </summary>
    ClientSecretBasic = 0,

    /// <summary><c>client_secret_post</c>: <c>client_id</c> and <c>client_secret</c> as form fields of the body.</summary>
    ClientSecretPost = 1,
}
