import Foundation
import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

@Suite("OKX request signing and credentials", .watchdog)
struct SigningTests {
    // The secret is the OKX docs' example key. The expected signatures were computed independently
    // with Python: base64.b64encode(hmac.new(secret, prehash, hashlib.sha256).digest()) (and agree
    // with `openssl dgst -sha256 -hmac ... -binary | base64`, research notes §1.2).
    let credentials: OKXCredentials
    // 2020-12-08T09:08:57.715Z
    let time = Timestamp(millisecondsSinceEpoch: 1_607_418_537_715)

    init() throws {
        credentials = try OKXCredentials(apiKey: "k3y-example", secret: "22582BD0CFF14C41EDBF1AB98506286D", passphrase: "pass phrase")
    }

    @Test("REST GET signs the query string with the path")
    func getVector() {
        let signer = OKXRequestSigner(credentials: credentials, environment: .live)
        let headers = signer.restHeaders(method: .get, requestPath: "/api/v5/account/balance?ccy=BTC", body: "", at: time)
        #expect(headers.first { $0.name == "OK-ACCESS-TIMESTAMP" }?.value == "2020-12-08T09:08:57.715Z")
        #expect(headers.first { $0.name == "OK-ACCESS-SIGN" }?.value == "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=")
        #expect(headers.first { $0.name == "OK-ACCESS-PASSPHRASE" }?.value == "pass phrase")
        #expect(!headers.contains { $0.name == "x-simulated-trading" })
    }

    @Test("REST POST signs the exact body; demo adds x-simulated-trading: 1 and place carries expTime")
    func postVector() {
        let signer = OKXRequestSigner(credentials: credentials, environment: .demo)
        let body = #"{"instId":"BTC-USDT-SWAP","tdMode":"cross","clOrdId":"s1ema0000001","side":"buy","ordType":"limit","px":"60000","sz":"1"}"#
        let headers = signer.restHeaders(method: .post, requestPath: "/api/v5/trade/order", body: body, at: time,
                                         expiresAt: time.advanced(byMilliseconds: 5_000))
        #expect(headers.first { $0.name == "OK-ACCESS-SIGN" }?.value == "N5lOwYB5b2PU/wJX5b7DCMUQhixism/rNPC6UUL78sw=")
        #expect(headers.first { $0.name == "x-simulated-trading" }?.value == "1")
        #expect(headers.first { $0.name == "expTime" }?.value == "1607418542715")
    }

    @Test("the place body our order builds is the one the vector signs")
    func placeBodyMatchesVector() {
        let place = OKXPlaceRequest(instrument: btcUsdtSwap, clientOrderId: ClientOrderId("s1ema0000001"), side: .buy, orderType: .limit,
                                    size: qty("1"), price: px("60000"), tradeMode: "cross", positionSide: nil, reduceOnly: false,
                                    expiresAt: time)
        #expect(place.body == #"{"instId":"BTC-USDT-SWAP","tdMode":"cross","clOrdId":"s1ema0000001","side":"buy","ordType":"limit","sz":"1","px":"60000"}"#)
    }

    @Test("WebSocket login signs seconds + GET + /users/self/verify")
    func loginVector() {
        let signer = OKXRequestSigner(credentials: credentials, environment: .live)
        let login = signer.login(at: Timestamp(millisecondsSinceEpoch: 1_538_054_050_123))
        #expect(login.timestamp == "1538054050")
        #expect(login.sign == "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=")
        #expect(!login.description.contains("pass phrase"))
        #expect(login.requestText.hasPrefix(#"{"op":"login","args":[{"apiKey":"k3y-example","#))
    }

    @Test("descriptions, debug descriptions and dumps never show the secret or passphrase")
    func redaction() {
        for text in ["\(credentials)", String(reflecting: credentials), { var out = ""; dump(credentials, to: &out); return out }()] {
            #expect(!text.contains("22582BD0"))
            #expect(!text.contains("pass phrase"))
        }
    }

    @Test("environment variables, live and demo prefixes kept apart")
    func environment() throws {
        let env = ["OKX_DEMO_API_KEY": "demo", "OKX_DEMO_API_SECRET": "s", "OKX_DEMO_API_PASSPHRASE": "p", "OKX_API_KEY": "live"]
        #expect(try OKXCredentialsLoader.fromEnvironment(env, prefix: OKXCredentialsLoader.demoPrefix).apiKey == "demo")
        #expect(throws: OKXCredentialsError.missing(field: "secret (OKX_API_SECRET)", source: "the environment")) {
            try OKXCredentialsLoader.fromEnvironment(env, prefix: OKXCredentialsLoader.livePrefix)
        }
        #expect(throws: OKXCredentialsError.padded(field: "secret")) {
            try OKXCredentials(apiKey: "k", secret: "s\n", passphrase: "p")
        }
    }

    @Test("a credentials file readable by group or others is refused, naming the path and mode")
    func fileMode() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("okx-credentials-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = "# demo key\nOKX_DEMO_API_KEY=abc\nOKX_DEMO_API_SECRET = sec\nOKX_DEMO_API_PASSPHRASE=pp\n"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]))
        let error = #expect(throws: OKXCredentialsError.self) { try OKXCredentialsLoader.fromFile(atPath: path, prefix: "OKX_DEMO_") }
        #expect(error == .fileTooOpen(path: path, mode: 0o644))
        #expect(error?.description.contains("\(path) has mode 644") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let loaded = try OKXCredentialsLoader.fromFile(atPath: path, prefix: "OKX_DEMO_")
        #expect(loaded.apiKey == "abc")
        #expect(loaded.secret == "sec")
    }

    @Test("a malformed credentials file names the line")
    func fileParse() {
        #expect(throws: OKXCredentialsError.malformedLine(path: "f", line: 2, reason: "expected NAME=value")) {
            try OKXCredentialsLoader.parseFile("OKX_API_KEY=a\njust text", path: "f", prefix: "OKX_")
        }
        #expect(throws: OKXCredentialsError.self) { try OKXCredentialsLoader.parseFile("OKX_SECRET=a", path: "f", prefix: "OKX_") }
    }
}
