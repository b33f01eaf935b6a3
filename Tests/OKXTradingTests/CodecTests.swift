import Execution
import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

@Suite("OKX private message codec", .watchdog)
struct CodecTests {
    let codec = OKXPrivateCodec()

    @Test("real orders-channel pushes: fill fields, sign-flipped fees, maker/taker, the fill-less filled marker")
    func realOrderPushes() throws {
        let lines = try fixtureLines("ws/private/orders.jsonl")
        #expect(lines.count == 4)
        guard case .orders(let first) = try codec.decodeFrame(lines[0]), let filled = first.first else { Issue.record("not orders"); return }
        #expect(filled.clientOrderId == ClientOrderId("HamsterParty14"))
        #expect(filled.state == .filled)
        #expect(filled.accumulatedFillSize == qty("0.001"))
        #expect(filled.fill?.tradeId == TradeId("242589207"))
        #expect(filled.fill?.price == px("31527.1"))
        // OKX fillFee -0.02522168 (charged) is our fee +0.02522168.
        #expect(filled.fill?.fee == money("0.02522168"))
        #expect(filled.fill?.feeCurrency == "USDT")
        #expect(filled.fill?.liquidity == .maker)
        #expect(filled.accumulatedFee == money("0.02522168"))

        guard case .orders(let live) = try codec.decodeFrame(lines[1]) else { Issue.record("not orders"); return }
        #expect(live.first?.clientOrderId == nil)
        #expect(live.first?.state == .live)
        #expect(live.first?.fill == nil)
        #expect(live.first?.price == nil)
        #expect(live.first?.averagePrice == nil)

        guard case .orders(let partial) = try codec.decodeFrame(lines[2]) else { Issue.record("not orders"); return }
        #expect(partial.first?.state == .partiallyFilled)
        #expect(partial.first?.fill?.quantity == qty("0.00038128"))
        #expect(partial.first?.fill?.liquidity == .taker)
        #expect(partial.first?.fill?.fee == money("0.010000249968"))

        guard case .orders(let marker) = try codec.decodeFrame(lines[3]) else { Issue.record("not orders"); return }
        #expect(marker.first?.state == .filled)
        #expect(marker.first?.fill == nil)
        #expect(marker.first?.accumulatedFillSize == qty("0.00038128"))
    }

    @Test("the account configuration decides tdMode and posSide, and unknown modes refuse to trade")
    func accountConfiguration() throws {
        let text = #"{"code":"0","msg":"","data":[{"uid":"1","acctLv":"3","posMode":"long_short_mode","autoLoan":"true"}]}"#
        let configuration = try codec.decodeAccountConfiguration(text)
        #expect(configuration == OKXAccountConfiguration(accountLevel: "3", positionMode: "long_short_mode"))
        #expect(try configuration.orderDefaults().get() == OKXOrderDefaults(spotTradeMode: "cross", derivativeTradeMode: "cross", longShortPositionMode: true))
        #expect(try OKXAccountConfiguration(accountLevel: "2", positionMode: "net_mode").orderDefaults().get() == OKXOrderDefaults())
        #expect((try? OKXAccountConfiguration(accountLevel: "9", positionMode: "net_mode").orderDefaults().get()) == nil)
        #expect((try? OKXAccountConfiguration(accountLevel: "2", positionMode: "hedge").orderDefaults().get()) == nil)
        #expect(throws: OKXDecodeFailure.self) { try codec.decodeAccountConfiguration(#"{"code":"50113","msg":"Invalid Sign","data":[]}"#) }
    }

    @Test("real place-order answers decode to acks")
    func realPlaceAnswers() throws {
        let lines = try fixtureLines("rest/place_order.jsonl")
        let acks = try codec.decodeOrderAcks(lines[0])
        #expect(acks == [OKXOrderAck(clientOrderId: ClientOrderId("6b9ad766b55dBCDE63969a1144bfb943"),
                                     venueOrderId: VenueOrderId("2896576259728695296"), code: "0", message: "Order placed")])
        #expect(acks.first?.errorClass == .success)
        #expect(try codec.decodeOrderAcks(lines[1]).first?.code == "0")
    }

    @Test("request-wide failures and per-order failures keep OKX's code and message")
    func failures() throws {
        let rateLimited = try codec.decodeOrderAcks(#"{"code":"50011","msg":"Too Many Requests","data":[]}"#)
        #expect(rateLimited.first?.errorClass == .rateLimited)
        // Shape from the OKX docs (all operations failed, per-order sCode).
        let rejected = try codec.decodeOrderAcks(#"{"code":"1","msg":"All operations failed","data":[{"clOrdId":"r1","ordId":"","sCode":"51008","sMsg":"Order failed. Insufficient USDT balance in account","ts":"1695190491421"}]}"#)
        #expect(rejected.first?.errorClass == .rejected)
        #expect(rejected.first?.reason == "OKX 51008: Order failed. Insufficient USDT balance in account")
        #expect(rejected.first?.venueOrderId == nil)
        // The gateway's 404 sends a numeric code.
        #expect(try codec.decodeOrderAcks(#"{"code":404,"msg":"Not Found"}"#).first?.code == "404")
    }

    @Test("WebSocket events and op answers (docs shapes)")
    func events() throws {
        #expect(try codec.decodeFrame("pong") == .pong)
        #expect(try codec.decodeFrame(#"{"event":"login","code":"0","msg":"","connId":"a4d3ae55"}"#) == .loggedIn)
        #expect(try codec.decodeFrame(#"{"event":"error","code":"60009","msg":"Login failed.","connId":"a4d3ae55"}"#)
                == .error(code: "60009", message: "Login failed.", requestId: nil))
        #expect(try codec.decodeFrame(#"{"id":"1512","event":"subscribe","arg":{"channel":"orders","instType":"ANY"},"connId":"a4d3ae55"}"#)
                == .subscribed(channel: "orders"))
        #expect(try codec.decodeFrame(#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}"#)
                == .notice(code: "64008", message: "The connection will soon be closed for a service upgrade. Please reconnect."))
        #expect(try codec.decodeFrame(#"{"event":"channel-conn-count","channel":"orders","connCount":"2","connId":"abcd1234"}"#)
                == .connectionCount(channel: "orders", count: "2"))
        let amend = try codec.decodeFrame(#"{"id":"1512","op":"amend-order","data":[{"clOrdId":"","ordId":"2510789768709120","ts":"1695190491421","reqId":"b12344","sCode":"51008","sMsg":"Order failed. Insufficient USDT balance in account","subCode":"10000"}],"code":"1","msg":"","inTime":"1695190491421339","outTime":"1695190491423240"}"#)
        guard case .operation(let op, let id, let acks) = amend else { Issue.record("not an op answer"); return }
        #expect(op == "amend-order")
        #expect(id == "1512")
        #expect(acks.first?.amendRequestId == "b12344")
        #expect(acks.first?.code == "51008")
    }

    @Test("positions and balance_and_position pushes (docs shapes)")
    func positions() throws {
        let positions = try codec.decodeFrame(#"{"arg":{"channel":"positions","uid":"77982378738415879","instType":"FUTURES"},"eventType":"snapshot","curPage":1,"lastPage":true,"data":[{"instId":"BTC-USDT-SWAP","instType":"SWAP","mgnMode":"cross","posId":"307173036051017730","posSide":"net","pos":"-3","availPos":"1","avgPx":"2566.31","cTime":"1619507758793","uTime":"1619507761462"}]}"#)
        #expect(positions == .positions([OKXPosition(instrument: btcUsdtSwap, positionSide: .net, size: fp("-3"), averagePrice: px("2566.31"))],
                                        channel: "positions"))
        let both = try codec.decodeFrame(#"{"arg":{"channel":"balance_and_position","uid":"77982378738415879"},"data":[{"pTime":"1597026383085","eventType":"snapshot","balData":[{"ccy":"BTC","cashBal":"1","uTime":"1597026383085"}],"posData":[{"posId":"1111111111","tradeId":"2","instId":"BTC-USDT-SWAP","instType":"SWAP","mgnMode":"cross","posSide":"long","pos":"10","ccy":"BTC","posCcy":"","avgPx":"3320","uTime":"1597026383085"}],"trades":[{"instId":"BTC-USD-191018","tradeId":"2"}]}]}"#)
        guard case .positions(let list, _) = both else { Issue.record("not positions"); return }
        #expect(list.first?.signedSize == fp("10"))
    }

    @Test("bad input is refused with the field named")
    func badInput() {
        let bad = #"{"arg":{"channel":"orders"},"data":[{"instId":"BTC-USDT","ordId":"1","state":"live","side":"buy","ordType":"limit","sz":"1","accFillSz":"abc"}]}"#
        let error = #expect(throws: OKXDecodeFailure.self) { try codec.decodeFrame(bad) }
        #expect(error?.field == "orders.data[0].accFillSz")
        let noSide = #"{"arg":{"channel":"orders"},"data":[{"instId":"BTC-USDT","ordId":"1","state":"live","side":"up","ordType":"limit","sz":"1"}]}"#
        #expect((#expect(throws: OKXDecodeFailure.self) { try codec.decodeFrame(noSide) })?.field == "orders.data[0].side")
        let fillWithoutSize = #"{"arg":{"channel":"orders"},"data":[{"instId":"BTC-USDT","ordId":"1","state":"filled","side":"buy","ordType":"limit","sz":"1","tradeId":"7","fillPx":"1","fillSz":"0","fillTime":"1"}]}"#
        #expect((#expect(throws: OKXDecodeFailure.self) { try codec.decodeFrame(fillWithoutSize) })?.field == "orders.data[0].fillSz")
        #expect(throws: OKXDecodeFailure.self) { try codec.decodeFrame("{not json") }
    }

    @Test("lookup answers: found, 51603 not found, other errors")
    func lookups() throws {
        #expect(try codec.decodeOrders(#"{"code":"51603","msg":"Order does not exist","data":[]}"#) == .notFound)
        guard case .failed(let failure) = try codec.decodeOrders(#"{"code":"50004","msg":"Endpoint request timeout","data":[]}"#) else {
            Issue.record("expected a failure"); return
        }
        #expect(failure.errorClass == .ambiguous)
        let lines = try fixtureLines("ws/private/orders.jsonl")
        // A REST order carries the same fields as the push: wrap a push's item as a query answer.
        let item = try #require(lines[0].range(of: #""data":["#).map { String(lines[0][$0.upperBound...].dropLast(2)) })
        guard case .orders(let orders) = try codec.decodeOrders(#"{"code":"0","msg":"","data":["# + item + "]}") else {
            Issue.record("expected orders"); return
        }
        #expect(orders.first?.venueOrderId == VenueOrderId("452197707845865472"))
    }

    @Test("REST fills and positions answers (docs shapes): fee sign-flipped, missing tradeId refused")
    func restFillsAndPositions() throws {
        let fills = try codec.decodeFills(#"{"code":"0","msg":"","data":[{"instType":"SPOT","instId":"BTC-USDT","tradeId":"123","ordId":"312269865356374016","clOrdId":"b16","billId":"1111","subType":"1","tag":"","fillPx":"999","fillSz":"3","fillPnl":"0","side":"buy","posSide":"","execType":"M","feeCcy":"BTC","fee":"-0.0015","ts":"1597026383085","fillTime":"1597026383085","feeRate":"0.0005"}]}"#)
        #expect(fills == [OKXFillDetail(instrument: btcUsdt, tradeId: TradeId("123"), venueOrderId: VenueOrderId("312269865356374016"),
                                        clientOrderId: ClientOrderId("b16"), price: px("999"), quantity: qty("3"), fee: money("0.0015"),
                                        feeCurrency: "BTC", liquidity: .maker, time: ms(1_597_026_383_085))])
        let noTrade = #"{"code":"0","msg":"","data":[{"instId":"BTC-USDT","tradeId":"","ordId":"1","fillPx":"1","fillSz":"1","fillTime":"1"}]}"#
        #expect((#expect(throws: OKXDecodeFailure.self) { try codec.decodeFills(noTrade) })?.field == "data[0].tradeId")
        #expect(throws: OKXDecodeFailure.self) { try codec.decodeFills(#"{"code":"50011","msg":"Too Many Requests","data":[]}"#) }
        let positions = try codec.decodePositions(#"{"code":"0","msg":"","data":[{"instId":"BTC-USDT-SWAP","posSide":"short","pos":"2","avgPx":"60000","mgnMode":"cross"}]}"#)
        #expect(positions.first?.signedSize == fp("-2"))
    }

    @Test("spot market orders go with tgtCcy=base_ccy and banAmend; derivatives never")
    func spotMarketBody() {
        let (machine, actions) = submitted(request("r00000000a1", btcUsdt, .buy, .market, size: "0.001", price: nil))
        #expect(actions.places.first?.body == #"{"instId":"BTC-USDT","tdMode":"cash","clOrdId":"r00000000a1","side":"buy","ordType":"market","sz":"0.001","tgtCcy":"base_ccy","banAmend":true}"#)
        #expect(machine.phase == .pendingNew(expiresAt: ms(6_000)))
        let (_, swap) = submitted(request("r00000000a2", btcUsdtSwap, .sell, .market, size: "2", price: nil))
        #expect(swap.places.first?.body.contains("tgtCcy") == false)
        #expect(swap.places.first?.body.contains(#""tdMode":"cross""#) == true)
    }
}
